/* Route table of the waitingroom worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/waitingroom/waitingroom.h"

static const struct route routes[] = {
	{ HTTP_POST, "/api/v1/waiting-room/check-in", wr_check_in, 0 },
	{ HTTP_GET, "/api/v1/waiting-room", wr_queue_get, 0 },
	{ HTTP_GET, "/api/v1/waiting-room/entries/{id}", wr_entry_get, 0 },
	{ HTTP_POST, "/api/v1/waiting-room/entries/{id}/heartbeat", wr_heartbeat, 0 },
	{ HTTP_POST, "/api/v1/waiting-room/entries/{id}/leave", wr_leave, 0 },
	{ HTTP_PUT, "/api/v1/waiting-room/presence", wr_presence_put, 0 },
	{ HTTP_POST, "/api/v1/waiting-room/announcements", wr_announce, 0 },
	{ HTTP_POST, "/api/v1/waiting-room/admit", wr_admit, 0 },
	{ HTTP_GET, "/api/v1/video-sessions", wr_session_list, 0 },
	{ HTTP_GET, "/api/v1/video-sessions/{id}", wr_session_get, 0 },
	{ HTTP_GET, "/api/v1/video-sessions/{id}/join", wr_session_join, 0 },
	{ HTTP_POST, "/api/v1/video-sessions/{id}/events", wr_session_event, 0 },
	{ HTTP_POST, "/api/v1/video-sessions/{id}/end", wr_session_end, 0 },
};

const struct worker_def waitingroom_worker = {
	"waitingroom", routes, sizeof(routes) / sizeof(routes[0]), NULL,
};
