/*
 * Unit tests for lib/seal, lib/seal-key and the walk of lib/seal-verify:
 * the canonical forms against bytes computed independently from
 * docs/AUDIT.md (Python's struct and hashlib), chain steps against known
 * SHA-256 values, the checkpoint signature against one made with
 * `openssl pkeyutl -sign -rawin` under the key of RFC 8032's first test
 * vector, key files, and every verdict of the walk over synthetic seals.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/crypto.h"
#include "lib/seal-key.h"
#include "lib/seal-verify.h"
#include "lib/seal.h"

#define ID26	"abcdefghijklmnopqrstuvwxyz"

/* The sample row: id, at, actor_id, actor_role, action, entity_type,
 * entity_id, patient_id, outcome, request_id, ip, summary, metadata. */
static char *sample[SEAL_NCOLS] = {
	"42", "2026-01-02 03:04:05.123456", ID26, "patient", "read", "patient",
	NULL, ID26, "success", NULL, "127.0.0.1", "patient profile read",
	"{\"ids\":[\"a\",\"b\"]}",
};

static const char sample_canonical[] =
    "530000000e61756469742e656e7472792e76325300000003726f77530000000234"
    "3253000000023432530000001031373637333233303435313233343536530000"
    "001a6162636465666768696a6b6c6d6e6f707172737475767778797a53000000"
    "0770617469656e74530000000472656164530000000770617469656e744e5300"
    "00001a6162636465666768696a6b6c6d6e6f707172737475767778797a530000"
    "0007737563636573734e53000000093132372e302e302e315300000014706174"
    "69656e742070726f66696c65207265616453000000117b22696473223a5b2261"
    "222c2262225d7d";

static const char skip_canonical[] =
    "530000000e61756469742e656e7472792e76325300000004736b697053000000"
    "02343353000000023435";

/* Chain values after the sample row and after a skip of 43..45. */
static const char h1_hex[] =
    "3854867778af3909e5097f6568478cc4669f56f0c68f5b59bdcf5f3cc70ffd01";
static const char h2_hex[] =
    "e6ec32434d4e7b24eec97dffc2fad99d4a0ec120b5a060a56c8147909a89c3fa";

/* RFC 8032, 7.1, test 1: its secret key as PKCS#8, its public key as SPKI. */
static const char rfc_private_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
static const char rfc_public_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
    "-----END PUBLIC KEY-----\n";
/* hex of SHA-256(d75a9801...511a)[0..7] */
static const char rfc_key_id[] = "21fe31dfa154a261";
static const char p256_public_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEkGnz9DNRtNtSuCT7Ll+qFVHC0skl\n"
    "+S4eb44OrVighu+7KCBlS4Pf846FZywretKP4JflY1yIacJPOZqMj9KtBg==\n"
    "-----END PUBLIC KEY-----\n";

/* The checkpoint {seq 7, prev h1, ids 42..45, head h2, 1 row, 3 skipped, at ...}. */
static const char cp_canonical[] =
    "530000001361756469742e636865636b706f696e742e76315300000010323166"
    "6533316466613135346132363153000000013753000000203854867778af3909"
    "e5097f6568478cc4669f56f0c68f5b59bdcf5f3cc70ffd015300000002343253"
    "0000000234355300000020e6ec32434d4e7b24eec97dffc2fad99d4a0ec120b5"
    "a060a56c8147909a89c3fa5300000001315300000001335300000010313736373"
    "33233303436303030303031";
/* openssl pkeyutl -sign -rawin -inkey rfc8032-test1.pem -in cp.bin */
static const char cp_signature[] =
    "b6f154520c179f2523f3b371c83d55fa5982e72e984a50467b6a3792fe4a8c41"
    "6c429bb0b21bbb3670de46508f7910559b4adbaaeb398215dde4462229632a05";
/* SHA-256(cp.bin || signature): what the next checkpoint names as prev. */
static const char cp_digest[] =
    "b277f422258643a2d2e443604df1c0fecbf225699435becaa64265fbc7849f82";

static void
lengths(char *const *v, size_t *len, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		len[i] = v[i] != NULL ? strlen(v[i]) : 0;
}

static void
assert_buf_hex(const struct buf *b, const char *want)
{
	char	*hex = malloc(2 * b->len + 1);

	assert_non_null(hex);
	crypto_hex(b->data, b->len, hex);
	assert_string_equal(hex, want);
	free(hex);
}

static void
t_canonical_row(void **state)
{
	struct buf	 b;
	size_t		 len[SEAL_NCOLS];

	(void)state;
	lengths(sample, len, SEAL_NCOLS);
	buf_init(&b, 4096);
	assert_int_equal(seal_canonical_row(&b, sample, len), 0);
	assert_int_equal(b.len, 232);
	assert_buf_hex(&b, sample_canonical);
	buf_clear(&b);
	assert_int_equal(seal_canonical_skip(&b, 43, 45), 0);
	assert_buf_hex(&b, skip_canonical);
	buf_release(&b);
}

/* NULL and "" differ; moving a byte across a field boundary changes the form. */
static void
t_canonical_unambiguous(void **state)
{
	char		*v[SEAL_NCOLS], *w[SEAL_NCOLS];
	size_t		 lv[SEAL_NCOLS], lw[SEAL_NCOLS];
	struct buf	 a, b;

	(void)state;
	memcpy(v, sample, sizeof(v));
	memcpy(w, sample, sizeof(w));
	w[6] = "";
	lengths(v, lv, SEAL_NCOLS);
	lengths(w, lw, SEAL_NCOLS);
	buf_init(&a, 4096);
	buf_init(&b, 4096);
	assert_int_equal(seal_canonical_row(&a, v, lv), 0);
	assert_int_equal(seal_canonical_row(&b, w, lw), 0);
	assert_true(a.len != b.len || memcmp(a.data, b.data, a.len) != 0);
	buf_clear(&a);
	buf_clear(&b);
	v[3] = "ab";
	v[4] = "c";
	w[6] = NULL;
	w[3] = "a";
	w[4] = "bc";
	lengths(v, lv, SEAL_NCOLS);
	lengths(w, lw, SEAL_NCOLS);
	assert_int_equal(seal_canonical_row(&a, v, lv), 0);
	assert_int_equal(seal_canonical_row(&b, w, lw), 0);
	assert_int_equal(a.len, b.len);
	assert_true(memcmp(a.data, b.data, a.len) != 0);
	/* A skip of 1..23 is not a skip of 12..3: the range is in the bytes. */
	buf_clear(&a);
	buf_clear(&b);
	assert_int_equal(seal_canonical_skip(&a, 1, 23), 0);
	assert_int_equal(seal_canonical_skip(&b, 12, 3), 0);
	assert_true(a.len != b.len || memcmp(a.data, b.data, a.len) != 0);
	buf_release(&a);
	buf_release(&b);
}

static void
t_canonical_bad(void **state)
{
	char		*v[SEAL_NCOLS];
	size_t		 len[SEAL_NCOLS];
	struct buf	 b;

	(void)state;
	buf_init(&b, 4096);
	memcpy(v, sample, sizeof(v));
	v[0] = "-1";
	lengths(v, len, SEAL_NCOLS);
	assert_int_equal(seal_canonical_row(&b, v, len), -1);
	v[0] = "42x";
	assert_int_equal(seal_canonical_row(&b, v, len), -1);
	v[0] = "42";
	v[1] = NULL;
	assert_int_equal(seal_canonical_row(&b, v, len), -1);
	v[1] = "yesterday";
	lengths(v, len, SEAL_NCOLS);
	assert_int_equal(seal_canonical_row(&b, v, len), -1);
	buf_release(&b);
}

/* hash_1 over the sample row, then hash_2 over a skip of 43..45. */
static void
t_chain_steps(void **state)
{
	struct seal_ctx	 sc;
	unsigned char	 zero[SEAL_HASH_LEN] = { 0 };
	unsigned char	 h1[SEAL_HASH_LEN], h2[SEAL_HASH_LEN];
	size_t		 len[SEAL_NCOLS];
	char		 hex[2 * SEAL_HASH_LEN + 1];

	(void)state;
	seal_init(&sc);
	lengths(sample, len, SEAL_NCOLS);
	assert_int_equal(seal_step_row(&sc, zero, sample, len, h1), 0);
	crypto_hex(h1, sizeof(h1), hex);
	assert_string_equal(hex, h1_hex);
	assert_int_equal(seal_step_skip(&sc, h1, 43, 45, h2), 0);
	crypto_hex(h2, sizeof(h2), hex);
	assert_string_equal(hex, h2_hex);
	/* Another predecessor gives another chain value. */
	assert_int_equal(seal_step_skip(&sc, zero, 43, 45, h2), 0);
	crypto_hex(h2, sizeof(h2), hex);
	assert_string_not_equal(hex, h2_hex);
	seal_release(&sc);
}

/* ---- key files ---- */

static char tmpdir[64];

/* Write text to tmpdir/name with mode; the path goes into path[n] and is returned. */
static const char *
put_file(char *path, size_t n, const char *name, const char *text, mode_t mode)
{
	FILE	*f;

	snprintf(path, n, "%s/%s", tmpdir, name);
	unlink(path);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s", "/tmp/test-seal.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown_dir(void **state)
{
	char	 cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The sample checkpoint: seq 7 over ids 42..45 with head h2. */
static void
sample_cp(struct seal_checkpoint *cp)
{
	memset(cp, 0, sizeof(*cp));
	cp->seq = 7;
	assert_int_equal(crypto_unhex(h1_hex, cp->prev, SEAL_HASH_LEN), 0);
	cp->first_id = 42;
	cp->last_id = 45;
	assert_int_equal(crypto_unhex(h2_hex, cp->head, SEAL_HASH_LEN), 0);
	cp->rows = 1;
	cp->skipped = 3;
	cp->sealed_at = 1767323046000001LL;
}

static void
t_signer_load(void **state)
{
	struct seal_key	 k;
	char		 path[128];

	(void)state;
	assert_int_equal(seal_signer_load(&k, put_file(path, sizeof(path),
	    "rfc.pem", rfc_private_pem, 0600)), 0);
	assert_string_equal(k.id, rfc_key_id);
	seal_key_release(&k);
	/* Group may read; nobody else may do anything. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(seal_signer_load(&k, path), 0);
	seal_key_release(&k);
	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(seal_signer_load(&k, path), -1);
	assert_int_equal(chmod(path, 0660), 0);
	assert_int_equal(seal_signer_load(&k, path), -1);
	/* A public key, an EC key, garbage, nothing: refused. */
	assert_int_equal(seal_signer_load(&k, put_file(path, sizeof(path),
	    "pub.pem", rfc_public_pem, 0600)), -1);
	assert_int_equal(seal_signer_load(&k, put_file(path, sizeof(path),
	    "junk.pem", "not a key\n", 0600)), -1);
	assert_int_equal(seal_signer_load(&k, "/nonexistent/audit.pem"), -1);
	assert_int_equal(seal_signer_load(&k, NULL), -1);
}

static void
t_keyring_load(void **state)
{
	struct seal_keyring	 r;
	struct seal_key		 k;
	char			 path[128], sk[128], pk[128], both[4096];
	char			 id[SEAL_KEY_ID_LEN + 1];
	FILE			*f;
	size_t			 n;

	(void)state;
	assert_int_equal(seal_keyring_load(&r, put_file(path, sizeof(path),
	    "ring1.pem", rfc_public_pem, 0644)), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.keys[0].id, rfc_key_id);
	seal_keyring_release(&r);
	/* A generated key after it, with a comment between: oldest first. */
	snprintf(sk, sizeof(sk), "%s/gen.key", tmpdir);
	snprintf(pk, sizeof(pk), "%s/gen.pub", tmpdir);
	unlink(sk);
	unlink(pk);
	assert_int_equal(seal_keygen(sk, pk, id), 0);
	assert_non_null(f = fopen(pk, "r"));
	n = fread(both, 1, sizeof(both) - 1, f);
	fclose(f);
	both[n] = '\0';
	{
		char	 text[8192];

		snprintf(text, sizeof(text), "%s# rotated 2027-01-01\n%s",
		    rfc_public_pem, both);
		assert_int_equal(seal_keyring_load(&r, put_file(path,
		    sizeof(path), "ring2.pem", text, 0644)), 0);
		assert_int_equal(r.n, 2);
		assert_int_equal(seal_keyring_find(&r, rfc_key_id), 0);
		assert_int_equal(seal_keyring_find(&r, id), 1);
		assert_int_equal(seal_keyring_find(&r, "0000000000000000"), -1);
		seal_keyring_release(&r);
		/* The same key twice. */
		snprintf(text, sizeof(text), "%s%s", rfc_public_pem,
		    rfc_public_pem);
		assert_int_equal(seal_keyring_load(&r, put_file(path,
		    sizeof(path), "dup.pem", text, 0644)), -1);
		/* A private key in a verifier's file, even next to a public one. */
		snprintf(text, sizeof(text), "%s%s", rfc_public_pem,
		    rfc_private_pem);
		assert_int_equal(seal_keyring_load(&r, put_file(path,
		    sizeof(path), "priv.pem", text, 0644)), -1);
		/* A block that does not parse after a good one. */
		snprintf(text, sizeof(text), "%s-----BEGIN PUBLIC KEY-----\n"
		    "AAAA\n-----END PUBLIC KEY-----\n", rfc_public_pem);
		assert_int_equal(seal_keyring_load(&r, put_file(path,
		    sizeof(path), "bad.pem", text, 0644)), -1);
	}
	assert_int_equal(seal_keyring_load(&r, put_file(path, sizeof(path),
	    "ec.pem", p256_public_pem, 0644)), -1);
	assert_int_equal(seal_keyring_load(&r, put_file(path, sizeof(path),
	    "empty.pem", "# no keys yet\n", 0644)), -1);
	assert_int_equal(seal_keyring_load(&r, NULL), -1);
	/* keygen: 0600 and 0644, never over an existing file. */
	{
		struct stat	 st;

		assert_int_equal(stat(sk, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		assert_int_equal(stat(pk, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0644);
	}
	assert_int_equal(seal_signer_load(&k, sk), 0);
	assert_string_equal(k.id, id);
	seal_key_release(&k);
	assert_int_equal(seal_keygen(sk, pk, id), -1);
}

static void
t_checkpoint_sign(void **state)
{
	struct seal_checkpoint	 cp, alt;
	struct seal_keyring	 r;
	struct seal_key		 k;
	struct seal_ctx		 sc;
	struct buf		 b;
	char			 path[128], hex[2 * SEAL_SIG_LEN + 1];
	unsigned char		 digest[SEAL_HASH_LEN];
	int			 idx;

	(void)state;
	seal_init(&sc);
	assert_int_equal(seal_signer_load(&k, put_file(path, sizeof(path),
	    "rfc.pem", rfc_private_pem, 0600)), 0);
	assert_int_equal(seal_keyring_load(&r, put_file(path, sizeof(path),
	    "ring1.pem", rfc_public_pem, 0644)), 0);
	sample_cp(&cp);
	assert_int_equal(seal_checkpoint_sign(&sc, &k, &cp), 0);
	assert_string_equal(cp.key_id, rfc_key_id);
	buf_init(&b, 4096);
	assert_int_equal(seal_canonical_checkpoint(&b, &cp), 0);
	assert_buf_hex(&b, cp_canonical);
	buf_release(&b);
	crypto_hex(cp.sig, SEAL_SIG_LEN, hex);
	assert_string_equal(hex, cp_signature);
	assert_int_equal(seal_checkpoint_check(&sc, &r, &cp, &idx), SEAL_SIG_OK);
	assert_int_equal(idx, 0);
	assert_int_equal(seal_checkpoint_digest(&sc, &cp, digest), 0);
	crypto_hex(digest, SEAL_HASH_LEN, hex);
	assert_string_equal(hex, cp_digest);
	/* Every field is covered. */
#define ALTERED(stmt) do { alt = cp; stmt; \
	assert_int_equal(seal_checkpoint_check(&sc, &r, &alt, NULL), SEAL_SIG_BAD); \
	} while (0)
	ALTERED(alt.seq++);
	ALTERED(alt.prev[0] ^= 1);
	ALTERED(alt.first_id--);
	ALTERED(alt.last_id += 1000);
	ALTERED(alt.head[31] ^= 1);
	ALTERED(alt.rows++);
	ALTERED(alt.skipped--);
	ALTERED(alt.sealed_at++);
	ALTERED(alt.sig[0] ^= 0x80);
#undef ALTERED
	alt = cp;
	memcpy(alt.key_id, "0000000000000000", SEAL_KEY_ID_LEN);
	assert_int_equal(seal_checkpoint_check(&sc, &r, &alt, &idx),
	    SEAL_SIG_UNKNOWN_KEY);
	assert_int_equal(idx, -1);
	seal_keyring_release(&r);
	seal_key_release(&k);
	seal_release(&sc);
}

/* ---- the walk over synthetic seals ---- */

#define FX_MAX	16

/* A seal built in memory: entries with their rows, and checkpoints. */
struct fx {
	size_t			 n;
	struct db_row		 rows[FX_MAX];
	char			*cells[FX_MAX][SEAL_E_NCELLS];
	size_t			 lens[FX_MAX][SEAL_E_NCELLS];
	char			 ids[FX_MAX][2][24];
	char			 kinds[FX_MAX][8];
	unsigned char		 hashes[FX_MAX][SEAL_HASH_LEN];
	unsigned char		 head[SEAL_HASH_LEN];
	unsigned long long	 last, nrows, nskip;
	struct seal_checkpoint	 cps[FX_MAX];
	size_t			 ncp, icp;
	struct seal_ctx		 sc;
};

static struct seal_key		 key_a, key_b;
static struct seal_keyring	 ring_ab;

static int
setup_keys(void **state)
{
	char	 sk[128], pk[128], path[128], text[8192], id[SEAL_KEY_ID_LEN + 1];
	FILE	*f;
	size_t	 n;

	if (setup_dir(state) == -1)
		return -1;
	snprintf(sk, sizeof(sk), "%s/b.key", tmpdir);
	snprintf(pk, sizeof(pk), "%s/b.pub", tmpdir);
	if (seal_keygen(sk, pk, id) == -1 || seal_signer_load(&key_b, sk) == -1 ||
	    seal_signer_load(&key_a, put_file(path, sizeof(path), "a.key",
	    rfc_private_pem, 0600)) == -1 || (f = fopen(pk, "r")) == NULL)
		return -1;
	n = (size_t)snprintf(text, sizeof(text), "%s", rfc_public_pem);
	n += fread(text + n, 1, sizeof(text) - n - 1, f);
	fclose(f);
	text[n] = '\0';
	return seal_keyring_load(&ring_ab, put_file(path, sizeof(path),
	    "ring.pem", text, 0644));
}

static int
teardown_keys(void **state)
{
	seal_key_release(&key_a);
	seal_key_release(&key_b);
	seal_keyring_release(&ring_ab);
	return teardown_dir(state);
}

static void
fx_init(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	seal_init(&f->sc);
}

/* Append an entry (a row entry when is_skip is 0: first == last == its row id). */
static void
fx_entry(struct fx *f, unsigned long long first, unsigned long long last,
    int is_skip)
{
	size_t	 i = f->n++, c;

	assert_true(i < FX_MAX);
	snprintf(f->ids[i][0], sizeof(f->ids[i][0]), "%llu", first);
	snprintf(f->ids[i][1], sizeof(f->ids[i][1]), "%llu", last);
	snprintf(f->kinds[i], sizeof(f->kinds[i]), "%s", is_skip ? "skip" : "row");
	f->cells[i][SEAL_E_AUDIT_ID] = f->ids[i][0];
	f->cells[i][SEAL_E_LAST_ID] = f->ids[i][1];
	f->cells[i][SEAL_E_KIND] = f->kinds[i];
	f->cells[i][SEAL_E_HASH] = NULL;
	for (c = 0; c < SEAL_NCOLS; c++)
		f->cells[i][SEAL_E_ROW + c] = is_skip ? NULL : sample[c];
	if (!is_skip)
		f->cells[i][SEAL_E_ROW] = f->ids[i][0];
	lengths(f->cells[i], f->lens[i], SEAL_E_NCELLS);
	f->cells[i][SEAL_E_HASH] = (char *)f->hashes[i];
	f->lens[i][SEAL_E_HASH] = SEAL_HASH_LEN;
	f->rows[i].ncols = SEAL_E_NCELLS;
	f->rows[i].v = f->cells[i];
	f->rows[i].len = f->lens[i];
	assert_int_equal(is_skip ? seal_step_skip(&f->sc, f->head, first, last,
	    f->hashes[i]) : seal_step_row(&f->sc, f->head, f->cells[i] + SEAL_E_ROW,
	    f->lens[i] + SEAL_E_ROW, f->hashes[i]), 0);
	memcpy(f->head, f->hashes[i], SEAL_HASH_LEN);
	f->last = last;
	if (is_skip)
		f->nskip += last - first + 1;
	else
		f->nrows++;
}

/* Close a checkpoint over the entries since the previous one, signed by k. */
static struct seal_checkpoint *
fx_checkpoint(struct fx *f, const struct seal_key *k)
{
	struct seal_checkpoint	*cp = &f->cps[f->ncp];

	memset(cp, 0, sizeof(*cp));
	cp->seq = f->ncp + 1;
	if (f->ncp > 0)
		assert_int_equal(seal_checkpoint_digest(&f->sc, &f->cps[f->ncp - 1],
		    cp->prev), 0);
	cp->first_id = f->ncp == 0 ? 1 : f->cps[f->ncp - 1].last_id + 1;
	cp->last_id = f->last;
	memcpy(cp->head, f->head, SEAL_HASH_LEN);
	cp->rows = f->nrows;
	cp->skipped = f->nskip;
	cp->sealed_at = 1767323046000000LL + (int64_t)f->ncp;
	assert_int_equal(seal_checkpoint_sign(&f->sc, k, cp), 0);
	f->nrows = f->nskip = 0;
	f->ncp++;
	return cp;
}

/* Re-sign checkpoint i after a test changed it (what only the key holder can do). */
static void
fx_resign(struct fx *f, size_t i, const struct seal_key *k)
{
	assert_int_equal(seal_checkpoint_sign(&f->sc, k, &f->cps[i]), 0);
}

static int
fx_next_cp(void *arg, struct seal_checkpoint *out)
{
	struct fx	*f = arg;

	if (f->icp == f->ncp)
		return 0;
	*out = f->cps[f->icp++];
	return 1;
}

/* Walk the whole fixture with flags; the verdict in v. */
static void
fx_walk_flags(struct fx *f, const struct seal_head *want, unsigned flags,
    struct seal_verdict *v)
{
	struct seal_walk	 w;
	size_t			 i;

	f->icp = 0;
	seal_walk_init(&w, &ring_ab, want, flags, fx_next_cp, f, v);
	for (i = 0; i < f->n; i++)
		if (seal_walk_entry(&w, &f->rows[i]) == -1)
			break;
	seal_walk_end(&w);
	seal_walk_release(&w);
}

static void
fx_walk(struct fx *f, const struct seal_head *want, struct seal_verdict *v)
{
	fx_walk_flags(f, want, 0, v);
}

static void
fx_release(struct fx *f)
{
	seal_release(&f->sc);
}

/* Ids 1..9: rows 1, 2, skip 3..4, row 5 | row 6, skip 7..8, row 9. */
static void
fx_standard(struct fx *f)
{
	fx_init(f);
	fx_entry(f, 1, 1, 0);
	fx_entry(f, 2, 2, 0);
	fx_entry(f, 3, 4, 1);
	fx_entry(f, 5, 5, 0);
	fx_checkpoint(f, &key_a);
	fx_entry(f, 6, 6, 0);
	fx_entry(f, 7, 8, 1);
	fx_entry(f, 9, 9, 0);
	fx_checkpoint(f, &key_a);
}

#define assert_verdict(v, id, text) do { \
	assert_false((v)->is_ok); \
	assert_int_equal((v)->first_bad_id, (id)); \
	if (strstr((v)->problem, (text)) == NULL) \
		fail_msg("problem \"%s\" lacks \"%s\"", (v)->problem, (text)); \
} while (0)

static void
t_walk_sound(void **state)
{
	struct seal_verdict	 v;
	struct seal_head	 h;
	struct fx		 f;

	(void)state;
	fx_standard(&f);
	fx_walk(&f, NULL, &v);
	assert_true(v.is_ok);
	assert_int_equal(v.sealed_through, 9);
	assert_int_equal(v.entries, 7);
	assert_int_equal(v.checkpoints, 2);
	assert_memory_equal(v.head, f.head, SEAL_HASH_LEN);
	assert_int_equal(v.newest.seq, 2);
	/* An expected head at an entry's end, earlier or the newest. */
	h.id = 5;
	memcpy(h.hash, f.hashes[3], SEAL_HASH_LEN);
	fx_walk(&f, &h, &v);
	assert_true(v.is_ok);
	h.id = 9;
	memcpy(h.hash, f.head, SEAL_HASH_LEN);
	fx_walk(&f, &h, &v);
	assert_true(v.is_ok);
	/* Nothing at all is sound too. */
	fx_release(&f);
	fx_init(&f);
	fx_walk(&f, NULL, &v);
	assert_true(v.is_ok);
	assert_int_equal(v.sealed_through, 0);
	fx_release(&f);
}

/* Tampering with rows and entries, as root without the key can. */
static void
t_walk_rows(void **state)
{
	struct seal_verdict	 v;
	struct fx		 f;

	(void)state;
	fx_standard(&f);
	f.cells[1][SEAL_E_ROW + 11] = "nothing to see";	/* summary of row 2 */
	f.lens[1][SEAL_E_ROW + 11] = strlen("nothing to see");
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 2, "does not match its seal");
	assert_int_equal(v.sealed_through, 0);
	fx_release(&f);

	fx_standard(&f);
	f.cells[4][SEAL_E_ROW] = NULL;			/* row 6 deleted */
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 6, "missing");
	assert_int_equal(v.sealed_through, 5);
	fx_release(&f);

	fx_standard(&f);
	f.hashes[5][0] ^= 1;				/* skip 7..8's hash */
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 7, "skip entry does not match");
	fx_release(&f);

	/* Row 2's entry deleted: a hole. */
	fx_standard(&f);
	memmove(&f.rows[1], &f.rows[2], (f.n - 2) * sizeof(f.rows[0]));
	f.n--;
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 2, "no seal entry covers ids 2..2");
	fx_release(&f);
}

/* The finding of issue 8: a row entry stretched over later ids, checkpoint to match. */
static void
t_walk_stretched(void **state)
{
	struct seal_verdict	 v;
	struct fx		 f;

	(void)state;
	fx_standard(&f);
	snprintf(f.ids[5][1], sizeof(f.ids[5][1]), "%s", "9");	/* skip 7..9 over row 9 */
	f.lens[5][SEAL_E_LAST_ID] = 1;
	f.n--;
	f.cps[1].last_id = 9;
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 7, "skip entry does not match");
	fx_release(&f);

	/* A row entry 9 made to cover 9..1000, with a checkpoint claiming so. */
	fx_standard(&f);
	snprintf(f.ids[6][1], sizeof(f.ids[6][1]), "%s", "1000");
	f.lens[6][SEAL_E_LAST_ID] = 4;
	f.cps[1].last_id = 1000;
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 9, "a row entry covers its own id only");
	assert_int_equal(v.sealed_through, 5);
	/* Even signed by a key of the ring, the range is refused. */
	fx_resign(&f, 1, &key_a);
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 9, "a row entry covers its own id only");
	fx_release(&f);
}

/* Checkpoints: forged, deleted, signed by keys the ring does not hold or retired. */
static void
t_walk_checkpoints(void **state)
{
	struct seal_verdict	 v;
	struct fx		 f;
	struct seal_key		 stranger;
	char			 sk[128], pk[128], id[SEAL_KEY_ID_LEN + 1];

	(void)state;
	fx_standard(&f);
	f.cps[1].sig[5] ^= 1;
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 6, "signature does not verify");
	assert_int_equal(v.sealed_through, 5);
	fx_release(&f);

	/* Signed with a key of the attacker's own. */
	snprintf(sk, sizeof(sk), "%s/stranger.key", tmpdir);
	snprintf(pk, sizeof(pk), "%s/stranger.pub", tmpdir);
	assert_int_equal(seal_keygen(sk, pk, id), 0);
	assert_int_equal(seal_signer_load(&stranger, sk), 0);
	fx_standard(&f);
	fx_resign(&f, 0, &stranger);
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 1, "does not list");
	seal_key_release(&stranger);
	fx_release(&f);

	/* Checkpoint 1 deleted: checkpoint 2 follows nothing. */
	fx_standard(&f);
	f.cps[0] = f.cps[1];
	f.ncp = 1;
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 1, "checkpoints deleted");
	fx_release(&f);

	/* The newest checkpoint deleted: its entries are explained by nothing. */
	fx_standard(&f);
	f.ncp = 1;
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 6, "not covered by a signed checkpoint");
	fx_release(&f);

	/* The newest entry deleted: the checkpoint reaches further. */
	fx_standard(&f);
	f.n--;
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 9, "tail truncated");
	fx_release(&f);

	/* Wrong counts, even signed (a sealer bug): refused. */
	fx_standard(&f);
	f.cps[1].rows = 5;
	fx_resign(&f, 1, &key_a);
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 6, "counts 5 rows");
	fx_release(&f);

	/* A checkpoint ending inside an entry. */
	fx_standard(&f);
	f.cps[1].last_id = 7;
	fx_resign(&f, 1, &key_a);
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 6, "which no seal entry ends at");
	fx_release(&f);

	/* Rotation: key a, then b, is sound; a again after b is a retired key. */
	fx_standard(&f);
	fx_resign(&f, 1, &key_b);
	fx_walk(&f, NULL, &v);
	assert_true(v.is_ok);
	assert_string_equal(v.newest.key_id, key_b.id);
	fx_entry(&f, 10, 10, 0);
	fx_checkpoint(&f, &key_a);
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 10, "a retired key");
	fx_release(&f);
}

/*
 * Checkpoints name the digest of the one before: a signature vouches for
 * every earlier checkpoint, so only some signatures need checking, and an
 * altered checkpoint whose own signature is not checked is still caught.
 */
static void
t_walk_links(void **state)
{
	struct seal_verdict	 v;
	struct fx		 f;

	(void)state;
	fx_standard(&f);
	fx_entry(&f, 10, 10, 0);
	fx_checkpoint(&f, &key_a);
	fx_walk(&f, NULL, &v);
	assert_true(v.is_ok);
	assert_int_equal(v.checkpoints, 3);
	assert_int_equal(v.signatures, 2);	/* the first one and the newest */
	fx_walk_flags(&f, NULL, SEAL_VERIFY_ALL_SIGNATURES, &v);
	assert_true(v.is_ok);
	assert_int_equal(v.signatures, 3);
	/* The middle one altered: its successor's link fails, its signature too. */
	f.cps[1].sealed_at -= 86400000000LL;
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 6, "checkpoint 2: the signature does not verify");
	assert_int_equal(v.sealed_through, 5);
	f.cps[1].sealed_at += 86400000000LL;
	/* The newest one's link altered: that one is at fault. */
	f.cps[2].prev[3] ^= 1;
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 10, "checkpoint 3 does not name checkpoint 2");
	assert_int_equal(v.sealed_through, 9);
	f.cps[2].prev[3] ^= 1;
	/* The newest one forged: the one before it still vouches. */
	f.cps[2].rows = 0;
	f.cps[2].skipped = 1;
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 10, "counts 0 rows");
	assert_int_equal(v.sealed_through, 9);
	f.cps[2].rows = 1;
	f.cps[2].skipped = 0;
	f.cps[2].sig[9] ^= 1;
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 10, "checkpoint 3: the signature does not verify");
	assert_int_equal(v.sealed_through, 9);
	assert_int_equal(v.checkpoints, 2);
	/* A first checkpoint that names a predecessor. */
	fx_release(&f);
	fx_standard(&f);
	f.cps[0].prev[0] = 1;
	fx_resign(&f, 0, &key_a);
	fx_walk(&f, NULL, &v);
	assert_verdict(&v, 1, "names a checkpoint before it");
	fx_release(&f);
}

/* Root recomputes the SHA-256 chain over an edited row: only the signature stops it. */
static void
t_walk_rehashed(void **state)
{
	struct seal_verdict	 v;
	struct fx		 f, g;
	size_t			 i;

	(void)state;
	fx_standard(&f);
	/* g: the same seal built over an edited row 6, hashes and all. */
	fx_init(&g);
	fx_entry(&g, 1, 1, 0);
	fx_entry(&g, 2, 2, 0);
	fx_entry(&g, 3, 4, 1);
	fx_entry(&g, 5, 5, 0);
	for (i = 4; i < f.n; i++) {
		if (i == 4)
			sample[11] = "nothing to see";
		fx_entry(&g, strtoull(f.ids[i][0], NULL, 10),
		    strtoull(f.ids[i][1], NULL, 10), strcmp(f.kinds[i], "skip") == 0);
		sample[11] = "patient profile read";
	}
	memcpy(g.cps, f.cps, sizeof(f.cps));
	g.ncp = f.ncp;
	fx_walk(&g, NULL, &v);
	assert_verdict(&v, 6, "do not lead to the signed head of checkpoint 2");
	assert_int_equal(v.sealed_through, 5);
	fx_release(&g);
	fx_release(&f);
}

static void
t_walk_expect_head(void **state)
{
	struct seal_verdict	 v;
	struct seal_head	 h;
	struct fx		 f;

	(void)state;
	fx_standard(&f);
	h.id = 5;
	memset(h.hash, 0x5a, SEAL_HASH_LEN);
	fx_walk(&f, &h, &v);
	assert_verdict(&v, 5, "does not lead to the expected head");
	/* A head inside a skip entry is not on the chain. */
	h.id = 7;
	memcpy(h.hash, f.hashes[5], SEAL_HASH_LEN);
	fx_walk(&f, &h, &v);
	assert_verdict(&v, 7, "does not lead to the expected head");
	/* The newest rows, entries and checkpoint gone together. */
	h.id = 9;
	memcpy(h.hash, f.head, SEAL_HASH_LEN);
	f.n = 4;
	f.ncp = 1;
	fx_walk(&f, NULL, &v);
	assert_true(v.is_ok);
	fx_walk(&f, &h, &v);
	assert_verdict(&v, 6, "tail truncated");
	fx_release(&f);
}

static void
t_walk_forged(void **state)
{
	struct seal_verdict	 v;
	struct seal_walk	 w;
	struct fx		 f;
	size_t			 i;

	(void)state;
	fx_standard(&f);
	seal_walk_init(&w, &ring_ab, NULL, 0, fx_next_cp, &f, &v);
	for (i = 0; i < f.n; i++)
		assert_int_equal(seal_walk_entry(&w, &f.rows[i]), 0);
	seal_walk_end(&w);
	seal_walk_forged(&w, 8);
	seal_walk_release(&w);
	assert_verdict(&v, 8, "never committed");
	assert_int_equal(v.sealed_through, 9);
	fx_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_canonical_row),
		cmocka_unit_test(t_canonical_unambiguous),
		cmocka_unit_test(t_canonical_bad),
		cmocka_unit_test(t_chain_steps),
		cmocka_unit_test(t_signer_load),
		cmocka_unit_test(t_keyring_load),
		cmocka_unit_test(t_checkpoint_sign),
		cmocka_unit_test(t_walk_sound),
		cmocka_unit_test(t_walk_rows),
		cmocka_unit_test(t_walk_stretched),
		cmocka_unit_test(t_walk_checkpoints),
		cmocka_unit_test(t_walk_links),
		cmocka_unit_test(t_walk_rehashed),
		cmocka_unit_test(t_walk_expect_head),
		cmocka_unit_test(t_walk_forged),
	};

	/* One group (one TAP plan): a temporary directory and two key pairs. */
	return cmocka_run_group_tests(tests, setup_keys, teardown_keys);
}
