/*
 * HTTP over CGI/FastCGI parameters: the request as parsed at the edge
 * (method, path, query, the headers we use, body under a size limit),
 * and the response we write back.
 */
#ifndef CONCIERGE_HTTP_H
#define CONCIERGE_HTTP_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/mem.h"

struct json_object;

/* Longest request id taken from the server (audit_log.request_id). */
#define HTTP_REQUEST_ID_MAX	64

enum http_method {
	HTTP_GET = 0,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_HEAD,
	HTTP_OPTIONS,
	HTTP_OTHER,
};

/* Where a request comes from and its reply goes: FastCGI or plain CGI. */
struct http_io {
	void		*ctx;
	/* CGI parameter by name (REQUEST_METHOD, HTTP_AUTHORIZATION...) or NULL. */
	const char	*(*param)(void *ctx, const char *name);
	/* Read up to n body bytes: count, 0 at end, -1 on error. */
	long		 (*read)(void *ctx, char *buf, size_t n);
	/* Write n bytes: 0 or -1. */
	int		 (*write)(void *ctx, const void *buf, size_t n);
	/* Push buffered output to the client: 0 or -1. */
	int		 (*flush)(void *ctx);
};

struct http_query_pair {
	const char	*name;
	const char	*value;
};

struct http_req {
	enum http_method	 method;
	const char		*method_name;
	const char		*path;		/* decoded, no query */
	const char		*query;		/* raw, "" if none */
	struct http_query_pair	*qv;		/* decoded query pairs */
	size_t			 nqv;
	int			 is_query_bad;	/* malformed percent-encoding */
	const char		*content_type;	/* media type, lowercase, no params */
	long long		 content_length; /* -1 if not given */
	const char		*authorization;
	const char		*idempotency_key;
	const char		*user_agent;
	const char		*accept;
	const char		*last_event_id;
	const char		*upgrade;	/* Upgrade: (WebSocket) */
	int			 conditional;	/* If-None-Match or If-Modified-Since given */
	const char		*filename;	/* X-Filename */
	const char		*remote_addr;
	const char		*request_id;	/* REQUEST_ID (nginx) or UNIQUE_ID (Apache);
						 * NULL unless [A-Za-z0-9@_.-]{1,64} */
	char			*body;		/* NUL-terminated, NULL until read */
	size_t			 body_len;
	unsigned long long	 body_consumed;	/* bytes taken from the client */
};

struct http_resp {
	int		 status;
	const char	*content_type;
	struct buf	 headers;	/* extra "Name: value\r\n" lines */
	/* Lines the runtime adds to every reply of this request (CORS):
	 * http_resp_init keeps them; the caller owns the string. */
	const char	*runtime_headers;
	struct buf	 body;
	int		 is_streaming;	/* headers already sent */
	/*
	 * An in-process request (the GraphQL worker runs REST handlers):
	 * json_reply and problem keep the reply object in captured (a
	 * reference the runner puts) instead of writing the body.
	 */
	int		 is_capture;
	struct json_object *captured;
};

enum http_body_rc {
	HTTP_BODY_OK = 0,
	HTTP_BODY_TOO_LARGE,
	HTTP_BODY_ERROR,
};

/* Fill req from the parameters of io; strings live in the arena. */
void	http_req_parse(struct http_req *, const struct http_io *, struct arena *);
/* Read the body, refusing more than max bytes. */
enum http_body_rc http_req_read_body(struct http_req *, const struct http_io *,
	    struct arena *, size_t max);
/*
 * Read up to n body bytes into buf without keeping them (streamed
 * bodies), never past Content-Length. Returns the count, 0 at the end
 * of the body, or -1 if the client went away.
 */
long	http_req_read_some(struct http_req *, const struct http_io *, void *buf,
	    size_t n);
/*
 * Read and drop what is left of the body, at most max bytes, so the
 * server in front sees the whole request taken before the reply. 0, or
 * -1 if the client went away or more than max bytes were left.
 */
int	http_req_drain(struct http_req *, const struct http_io *,
	    unsigned long long max);
/* First decoded value of query parameter name, or NULL. */
const char *http_query(const struct http_req *, const char *name);
/* Whether the request carries a body (content length > 0 or unknown POST/PUT/PATCH). */
int	http_req_has_body(const struct http_req *);

/* Reset a response to an empty 200 with a body capped at max bytes. */
void	http_resp_init(struct http_resp *, size_t max);
/* Add a header; refuses (returns -1) names or values with CR, LF or NUL. */
int	http_resp_header(struct http_resp *, const char *name, const char *value);
/* Write status, headers and body to io. */
int	http_resp_send(struct http_resp *, const struct http_req *,
	    const struct http_io *);
/* Write only status and headers (for streams); body follows by io->write. */
int	http_resp_send_head(struct http_resp *, const struct http_req *,
	    const struct http_io *);
/* Free the response buffers. */
void	http_resp_release(struct http_resp *);
/* Reason phrase for a status code. */
const char *http_reason(int status);

/* Percent-decode n bytes of src into a new arena string; NULL if malformed. */
char	*http_urldecode(struct arena *, const char *src, size_t n, int plus_is_space);

#endif
