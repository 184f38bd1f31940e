/* Route table of the messaging worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/messaging/messaging.h"

static const struct route routes[] = {
	{ HTTP_POST, "/api/v1/threads", msg_thread_create, 0 },
	{ HTTP_GET, "/api/v1/threads", msg_thread_list, 0 },
	{ HTTP_GET, "/api/v1/threads/{id}", msg_thread_get, 0 },
	{ HTTP_POST, "/api/v1/threads/{id}/participants", msg_participant_add, 0 },
	{ HTTP_DELETE, "/api/v1/threads/{id}/participants/{user_id}",
	  msg_participant_remove, 0 },
	{ HTTP_GET, "/api/v1/threads/{id}/messages", msg_message_list, 0 },
	{ HTTP_POST, "/api/v1/threads/{id}/messages", msg_message_post, 0 },
	{ HTTP_POST, "/api/v1/threads/{id}/read", msg_mark_read, 0 },
	{ HTTP_GET, "/api/v1/messages/unread-count", msg_unread_count, 0 },
	{ HTTP_POST, "/api/v1/attachments", msg_attachment_upload,
	  ROUTE_STREAM_BODY },
	{ HTTP_GET, "/api/v1/attachments/{id}", msg_attachment_get, ROUTE_STREAM },
};

const struct worker_def messaging_worker = {
	"messaging", routes, sizeof(routes) / sizeof(routes[0]), NULL,
};
