/* JSON views of entries, announcements, sessions, log events and join credentials. */
#include "config.h"

#include <string.h>
#include <time.h>

#include "lib/json.h"
#include "lib/log.h"
#include "lib/time.h"
#include "lib/video-token.h"
#include "cgi-bin/waitingroom/store.h"
#include "cgi-bin/waitingroom/waitingroom.h"

struct json_object *
wr_entry_view(const struct wr_entry *e, const struct wr_place *p,
    const char *provider_status, struct json_object *announcements)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "id", e->id);
	jset_str(o, "appointment_id", e->appointment_id);
	jset_str(o, "provider_id", e->provider_id);
	jset_str(o, "patient_id", e->patient_id);
	jset_str(o, "status", e->status);
	if (p != NULL) {
		jset_int(o, "position", p->position);
		jset_int(o, "estimated_wait_minutes", p->estimate);
	} else {
		jset(o, "position", NULL);
		jset(o, "estimated_wait_minutes", NULL);
	}
	jset_str(o, "provider_status", provider_status);
	jset(o, "announcements", announcements != NULL ? announcements :
	    json_object_new_array());
	jset_time(o, "appointment_start_at", e->appt_start_at);
	jset_int(o, "booked_minutes", e->booked_minutes);
	jset_time(o, "checked_in_at", e->checked_in_at);
	jset_str(o, "checked_in_by", e->checked_in_by);
	jset_time(o, "last_heartbeat_at", e->last_heartbeat_at);
	jset_time(o, "away_since", e->away_since);
	jset_time(o, "ended_at", e->ended_at);
	jset_str(o, "video_session_id", e->video_session_id);
	jset_time(o, "updated_at", e->updated_at);
	return o;
}

struct json_object *
wr_announcement_view(const struct wr_announcement *an)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "id", an->id);
	jset_str(o, "provider_id", an->provider_id);
	jset_str(o, "text", an->text);
	jset_str(o, "created_by", an->created_by);
	jset_time(o, "created_at", an->created_at);
	jset_time(o, "expires_at", an->expires_at);
	return o;
}

struct json_object *
wr_announcements_view(const struct wr_announcement *an, size_t n)
{
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, wr_announcement_view(&an[i]));
	return a;
}

struct json_object *
wr_session_view(const struct wr_session *s, struct json_object *events)
{
	struct json_object	*o = json_object_new_object(), *parts, *p;
	const char		*ids[2] = { s->provider_id, s->patient_id };
	const char		*roles[2] = { "provider", "patient" };
	int			 i;

	jset_str(o, "id", s->id);
	jset_str(o, "appointment_id", s->appointment_id);
	jset_str(o, "waiting_room_entry_id", s->entry_id);
	jset_str(o, "status", s->status);
	jset_str(o, "room", s->room);
	jset_time(o, "started_at", s->started_at);
	jset_time(o, "ended_at", s->ended_at);
	if (s->duration_seconds >= 0)
		jset_int(o, "duration_seconds", s->duration_seconds);
	else
		jset(o, "duration_seconds", NULL);
	jset_str(o, "started_by", s->started_by);
	jset_str(o, "ended_by", s->ended_by);
	jset_str(o, "end_reason", s->end_reason);
	jset_int(o, "booked_minutes", s->booked_minutes);
	parts = json_object_new_array();
	for (i = 0; i < 2; i++) {
		p = json_object_new_object();
		jset_str(p, "user_id", ids[i]);
		jset_str(p, "role", roles[i]);
		json_object_array_add(parts, p);
	}
	jset(o, "participants", parts);
	jset(o, "consent_snapshot", s->consent_snapshot != NULL ?
	    json_tokener_parse(s->consent_snapshot) : NULL);
	if (events != NULL)
		jset(o, "events", events);
	return o;
}

struct json_object *
wr_event_view(const struct wr_event *e)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "id", e->id);
	jset_str(o, "type", e->type);
	jset_str(o, "actor_id", e->actor_id);
	jset_str(o, "actor_role", e->actor_role);
	jset_time(o, "at", e->at);
	jset_time(o, "recorded_at", e->recorded_at);
	jset_str(o, "amends_event_id", e->amends_event_id);
	jset(o, "detail", e->detail != NULL ?
	    json_object_new_string_len(e->detail, (int)e->detail_len) : NULL);
	if (e->notes != NULL)
		jset(o, "notes_summary",
		    json_object_new_string_len(e->notes, (int)e->notes_len));
	return o;
}

/*
 * The display name the token carries: at most VTOK_FIELD_MAX bytes, cut
 * at a character boundary (a full name may be 200 characters of up to
 * four bytes each). NULL stays NULL: the name is optional.
 */
static const char *
token_name(struct ctx *c, const char *name)
{
	size_t	 n;

	if (name == NULL || (n = strlen(name)) <= VTOK_FIELD_MAX)
		return name;
	for (n = VTOK_FIELD_MAX; n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80;
	    n--)
		;
	return arena_strndup(c->arena, name, n);
}

int
wr_join_view(struct ctx *c, const struct wr_session *s, const char *user_id,
    const char *name, struct json_object **out)
{
	struct vtok_claims	 cl;
	struct json_object	*o;
	char			*tok;
	long			 n;

	*out = NULL;
	if (strcmp(c->cfg->video_provider, "none") == 0)
		return 0;
	memset(&cl, 0, sizeof(cl));
	cl.api_key = c->cfg->video_api_key;
	cl.identity = user_id;
	cl.name = token_name(c, name);
	cl.room = s->room;
	/*
	 * The video service checks nbf/exp against its own clock: real time,
	 * never the dev-mode offset of utc_now.
	 */
	cl.not_before = (int64_t)time(NULL);
	cl.ttl = c->cfg->video_token_ttl_seconds;
	tok = arena_alloc(c->arena, VTOK_MAX);
	if ((n = vtok_sign(&cl, c->cfg->video_api_secret,
	    strlen(c->cfg->video_api_secret), tok, VTOK_MAX)) < 0) {
		log_errx("video: cannot sign a join token");
		return -1;
	}
	o = json_object_new_object();
	jset_str(o, "provider", "livekit");
	jset_str(o, "url", c->cfg->video_url);
	jset_str(o, "token", tok);
	jset_str(o, "room", s->room);
	jset_str(o, "identity", user_id);
	jset_time(o, "expires_at", (cl.not_before + cl.ttl) * UTC_SEC);
	*out = o;
	return 0;
}
