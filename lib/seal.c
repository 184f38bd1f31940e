/*
 * The audit chain: canonical forms of entries and checkpoints, chain
 * steps. The bytes are fixed by docs/AUDIT.md; changing one breaks every
 * existing chain, so each form names its version in its first field
 * ("audit.entry.v2", "audit.checkpoint.v1").
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/seal.h"

#define ENTRY_TYPE	"audit.entry.v2"
#define CHECKPOINT_TYPE	"audit.checkpoint.v1"

int
seal_parse_id(const char *s, unsigned long long *out)
{
	char	*end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

void
seal_init(struct seal_ctx *sc)
{
	buf_init(&sc->msg, SEAL_MSG_MAX);
}

void
seal_release(struct seal_ctx *sc)
{
	buf_release(&sc->msg);
}

/* A present value: 'S', its length as 4 bytes big-endian, the bytes. */
static int
put_bytes(struct buf *b, const void *p, size_t n)
{
	unsigned char	 hdr[5];

	if (n > 0xffffffffUL)
		return -1;
	hdr[0] = 'S';
	hdr[1] = (unsigned char)(n >> 24);
	hdr[2] = (unsigned char)(n >> 16);
	hdr[3] = (unsigned char)(n >> 8);
	hdr[4] = (unsigned char)n;
	if (buf_add(b, hdr, sizeof(hdr)) == -1)
		return -1;
	return n == 0 ? 0 : buf_add(b, p, n);
}

/* SQL NULL: the single byte 'N'. */
static int
put_null(struct buf *b)
{
	return buf_add(b, "N", 1);
}

static int
put_str(struct buf *b, const char *s)
{
	return put_bytes(b, s, strlen(s));
}

/* An unsigned number as its shortest decimal text. */
static int
put_id(struct buf *b, unsigned long long v)
{
	char	 num[32];

	snprintf(num, sizeof(num), "%llu", v);
	return put_str(b, num);
}

/* A signed number (a time in usec) as its shortest decimal text. */
static int
put_time(struct buf *b, int64_t v)
{
	char	 num[32];

	snprintf(num, sizeof(num), "%lld", (long long)v);
	return put_str(b, num);
}

/* The fields every entry starts with: type, kind, first id, last id. */
static int
put_entry_head(struct buf *b, const char *kind, unsigned long long first,
    unsigned long long last)
{
	if (put_str(b, ENTRY_TYPE) == -1 || put_str(b, kind) == -1 ||
	    put_id(b, first) == -1 || put_id(b, last) == -1)
		return -1;
	return 0;
}

int
seal_canonical_row(struct buf *b, char *const *v, const size_t *len)
{
	unsigned long long	 id;
	int64_t			 at;
	size_t			 i;

	if (seal_parse_id(v[0], &id) == -1 || db_cell_time(v[1], &at) == -1)
		return -1;
	if (put_entry_head(b, "row", id, id) == -1 || put_time(b, at) == -1)
		return -1;
	for (i = 2; i < SEAL_NCOLS; i++)
		if ((v[i] == NULL ? put_null(b) : put_bytes(b, v[i], len[i])) == -1)
			return -1;
	return 0;
}

int
seal_canonical_skip(struct buf *b, unsigned long long first,
    unsigned long long last)
{
	return put_entry_head(b, "skip", first, last);
}

int
seal_canonical_checkpoint(struct buf *b, const struct seal_checkpoint *cp)
{
	if (put_str(b, CHECKPOINT_TYPE) == -1 ||
	    put_bytes(b, cp->key_id, strlen(cp->key_id)) == -1 ||
	    put_id(b, cp->seq) == -1 ||
	    put_bytes(b, cp->prev, SEAL_HASH_LEN) == -1 ||
	    put_id(b, cp->first_id) == -1 ||
	    put_id(b, cp->last_id) == -1 ||
	    put_bytes(b, cp->head, SEAL_HASH_LEN) == -1 ||
	    put_id(b, cp->rows) == -1 || put_id(b, cp->skipped) == -1 ||
	    put_time(b, cp->sealed_at) == -1)
		return -1;
	return 0;
}

int
seal_checkpoint_digest(struct seal_ctx *sc, const struct seal_checkpoint *cp,
    unsigned char out[SEAL_HASH_LEN])
{
	buf_clear(&sc->msg);
	if (seal_canonical_checkpoint(&sc->msg, cp) == -1 ||
	    buf_add(&sc->msg, cp->sig, SEAL_SIG_LEN) == -1)
		return -1;
	crypto_sha256(sc->msg.data, sc->msg.len, out);
	return 0;
}

int
seal_step_row(struct seal_ctx *sc, const unsigned char prev[SEAL_HASH_LEN],
    char *const *v, const size_t *len, unsigned char out[SEAL_HASH_LEN])
{
	buf_clear(&sc->msg);
	if (buf_add(&sc->msg, prev, SEAL_HASH_LEN) == -1 ||
	    seal_canonical_row(&sc->msg, v, len) == -1)
		return -1;
	crypto_sha256(sc->msg.data, sc->msg.len, out);
	return 0;
}

int
seal_step_skip(struct seal_ctx *sc, const unsigned char prev[SEAL_HASH_LEN],
    unsigned long long first, unsigned long long last,
    unsigned char out[SEAL_HASH_LEN])
{
	buf_clear(&sc->msg);
	if (buf_add(&sc->msg, prev, SEAL_HASH_LEN) == -1 ||
	    seal_canonical_skip(&sc->msg, first, last) == -1)
		return -1;
	crypto_sha256(sc->msg.data, sc->msg.len, out);
	return 0;
}
