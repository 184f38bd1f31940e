/* Galera awareness for the readers of committed rows (see cluster.h). */
#include "config.h"

#include <string.h>

#include "lib/cluster.h"
#include "lib/log.h"
#include "lib/time.h"

/* A node that does not answer is logged at most this often. */
#define CLUSTER_LOG_EVERY	(60 * UTC_SEC)

static const char SQL_CLUSTER[] =
    "SELECT @@wsrep_on, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
    " WHERE VARIABLE_NAME = 'WSREP_CLUSTER_SIZE'";

int
cluster_open(struct cluster *c, struct db *db, struct arena *a,
    const struct cfg *cfg, enum db_role role, const char *who)
{
	struct db_res	 res;
	int		 is_new = c->cfg == NULL;

	c->cfg = cfg;
	c->role = role;
	c->who = who;
	c->size = 0;
	if (db_query(db, a, SQL_CLUSTER, DB_NOARGS, &res) != DB_OK)
		return -1;
	if (res.nrows != 1 || res.rows[0].v[0] == NULL ||
	    strcmp(res.rows[0].v[0], "1") != 0)
		return 0;
	if (db_cell_int(res.rows[0].v[1], &c->size) == -1 || c->size < 1)
		return -1;
	if (db_causal_reads(db) != DB_OK)
		return -1;
	c->nnodes = db_node_count(cfg);
	if (c->nnodes > CLUSTER_NODES_MAX)
		c->nnodes = CLUSTER_NODES_MAX;
	if (is_new && (long long)c->nnodes < c->size)
		log_warnx("%s: the cluster has %lld nodes and db.hosts lists "
		    "%zu: an id an open transaction holds on a node it does not "
		    "list looks rolled back here; list every node", who,
		    c->size, c->nnodes);
	return 0;
}

void
cluster_close(struct cluster *c)
{
	size_t	 i;

	for (i = 0; i < CLUSTER_NODES_MAX; i++) {
		db_close(c->nodes[i]);
		c->nodes[i] = NULL;
	}
}

int
cluster_ask(struct cluster *c, int (*fn)(struct db *, void *), void *arg,
    const char *what)
{
	int64_t	 now;
	size_t	 i, answered = 0, need;

	if (c->size == 0 || c->nnodes == 0)
		return 1;
	for (i = 0; i < c->nnodes; i++) {
		/* Causal: a lagging node applies the newer ids first, so it
		 * cannot hand out one of the asked ones afterwards. */
		if (c->nodes[i] == NULL &&
		    (db_open_node(&c->nodes[i], c->cfg, c->role, i) == -1 ||
		    db_causal_reads(c->nodes[i]) != DB_OK)) {
			db_close(c->nodes[i]);
			c->nodes[i] = NULL;
			continue;
		}
		if (fn(c->nodes[i], arg) != DB_OK) {
			db_close(c->nodes[i]);
			c->nodes[i] = NULL;
			continue;
		}
		answered++;
	}
	/* Every member must answer; if db.hosts lists fewer, all it lists. */
	need = (long long)c->nnodes < c->size ? c->nnodes : (size_t)c->size;
	if (answered >= need)
		return 1;
	now = utc_mono();
	if (c->logged_at == 0 || now - c->logged_at >= CLUSTER_LOG_EVERY) {
		c->logged_at = now;
		log_warnx("%s: %zu of %zu nodes of the cluster answered; %s",
		    c->who, answered, need, what);
	}
	return 0;
}
