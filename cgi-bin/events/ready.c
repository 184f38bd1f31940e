/*
 * Which of the caller's events may be sent now. Rows commit out of id
 * order (id 7 may commit before id 6), so sending every committed row
 * after the cursor could move a client past one that commits a moment
 * later. With nchan the relay's published_through is the line: every id
 * up to it is settled (committed or known never to commit) and already
 * in nchan, so a worker reply never races nchan with the same event.
 * Without nchan the line is the caller's own: nothing is sent while one
 * of the caller's events after the cursor is still uncommitted.
 */
#include "config.h"

#include "lib/store-events.h"
#include "cgi-bin/events/events.h"

static int
ready_nchan(struct ctx *c, unsigned long long after, long limit,
    struct event_row **rows, size_t *n, unsigned long long *cursor)
{
	struct relay_state	 st;
	int			 rc;

	if ((rc = store_events_state(c->db, c->arena, &st)) != DB_OK ||
	    (rc = store_events_of_user(c->db, c->arena, c->actor.user_id,
	    after, st.published, limit, rows, n)) != DB_OK)
		return rc;
	if (*n == (size_t)limit)
		*cursor = (*rows)[*n - 1].id;
	else
		/* None of the caller's up to the line is left unsent. */
		*cursor = st.published > after ? st.published : after;
	return DB_OK;
}

static int
ready_alone(struct ctx *c, unsigned long long after, long limit,
    struct event_row **rows, size_t *n, unsigned long long *cursor)
{
	unsigned long long	 through;
	int			 rc, is_busy;

	*rows = NULL;
	*n = 0;
	*cursor = after;
	if ((rc = store_events_user_busy(c->db, c->arena, c->actor.user_id,
	    after, &is_busy, &through)) != DB_OK || is_busy)
		return rc;
	if ((rc = store_events_of_user(c->db, c->arena, c->actor.user_id,
	    after, through, limit, rows, n)) != DB_OK)
		return rc;
	*cursor = *n == (size_t)limit ? (*rows)[*n - 1].id : through;
	return DB_OK;
}

int
events_ready(struct ctx *c, unsigned long long after, long limit,
    struct event_row **rows, size_t *n, unsigned long long *cursor)
{
	if (c->cfg->events_nchan_socket != NULL)
		return ready_nchan(c, after, limit, rows, n, cursor);
	return ready_alone(c, after, limit, rows, n, cursor);
}

int
events_head(struct ctx *c, unsigned long long *head)
{
	struct relay_state	 st;
	int			 rc;

	if (c->cfg->events_nchan_socket == NULL)
		return store_events_max_id(c->db, c->arena, head);
	if ((rc = store_events_state(c->db, c->arena, &st)) != DB_OK)
		return rc;
	*head = st.published;
	return DB_OK;
}
