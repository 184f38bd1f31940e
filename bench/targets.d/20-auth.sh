# bench/targets.d/20-auth.sh: accounts (issue 3).
# login: argon2id at the configured cost (19 MiB, t=2, p=1 by default) is
#   the whole cost of a login; each success also inserts a session row, so
#   a run adds a few hundred rows to the dev database. requests/s divided
#   by the number of cores gives the per-core argon2 rate.
# me-get: GET /api/v1/me with a valid token: session lookup, user row,
#   profile, preferences (4 statements). provider1's /me is measured
#   because a patient's /me also writes an audit row (a read of PHI).
# me-patient: patient1's GET /api/v1/me: the same four statements (a
#   patient's profile) and the audit row of a read of PHI, one durable
#   autocommit INSERT: the cheapest audited read measured, against which
#   the read goals are weighed (bench/README.md, "The goals against the
#   floor").
tok=$(bench_login provider1@demo.test 'Concierge-Dev-2026!')
ptok=$(bench_login patient1@demo.test 'Concierge-Dev-2026!')

BENCH_EXPECT='"token"' bench_target login POST /api/v1/auth/login \
	'{"email":"provider1@demo.test","password":"Concierge-Dev-2026!"}'
BENCH_EXPECT='provider1@demo.test' bench_target me-get GET /api/v1/me "" \
	"Authorization: Bearer $tok"
BENCH_EXPECT='patient1@demo.test' bench_target me-patient GET /api/v1/me "" \
	"Authorization: Bearer $ptok"
