#!/usr/bin/env bash
# e2e-graphql-thirdparty: /api/v1/graphql through nginx, judged by two
# outside tools (tests/node/graphql, pinned by its package-lock.json;
# `scripts/dev test` runs npm ci there through ensure_node):
#
#  - graphql-http's server audit (audit.mjs), the GraphQL over HTTP
#    spec's reference implementation: one TAP test per MUST audit; the
#    SHOULD and MAY results are comments.
#  - graphql-js 16 as an oracle (oracle.mjs): graphql-js builds a schema
#    from our introspection, it prints the same SDL as docs/schema.graphql,
#    and over tests/graphql/corpus the server accepts (answers with data)
#    exactly the documents graphql-js accepts. Message and location
#    differences on documents both reject are comments, not failures.
#
# As the demo patient patient1@demo.test: the corpus names ids that do
# not exist and its mutations are invalid or aimed at such ids, so the run
# writes nothing. The baseline with the same scripts is graphql-http's
# own server on the same schema: tests/node/graphql/reference-server.mjs.
. "$(dirname -- "$0")/lib.sh"

GQL_DIR=$SRCDIR/tests/node/graphql
GQL_CORPUS=$SRCDIR/tests/graphql/corpus
GQL_SDL=$SRCDIR/docs/schema.graphql
GQL_URL=$BASE/api/v1/graphql
command -v node >/dev/null || bail "node is not installed (tests/node/graphql needs Node.js 20)"
[[ -d $GQL_DIR/node_modules/graphql && -d $GQL_DIR/node_modules/graphql-http ]] ||
	bail "tests/node/graphql/node_modules is missing: run npm ci there (scripts/dev test does)"
[[ -r $GQL_SDL ]] || bail "no $GQL_SDL"
[[ -d $GQL_CORPUS ]] || bail "no $GQL_CORPUS"

PAT=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient1 login"

# gql_run NAME SCRIPT ARGS...: node SCRIPT; its output in $T_TMP/NAME.out,
# every line of it a TAP comment; GQL_RC its exit status.
gql_run() {
	local name=$1
	shift
	timeout 300 node "$GQL_DIR/$1" "${@:2}" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err"
	GQL_RC=$?
	diag "$(cat "$T_TMP/$name.out")"
	[[ -s $T_TMP/$name.err ]] && diag "$1 (stderr): $(head -c 2000 "$T_TMP/$name.err")"
	((GQL_RC <= 1)) || diag "$1 exited $GQL_RC"
	return 0
}

# ---- graphql-http's audit: one test per MUST ----
gql_run audit audit.mjs "$GQL_URL" "$PAT"
summary=$(grep -E '^graphql-http audit: ' "$T_TMP/audit.out")
[[ -n $summary ]]
ok $? "graphql-http audit ran to its summary (exit $GQL_RC)"
n_must=0
while IFS= read -r line; do
	n_must=$((n_must + 1))
	if [[ $line =~ ^MUST\ ok\ (.*)$ ]]; then
		ok 0 "graphql-http: MUST ${BASH_REMATCH[1]}"
	else
		rest=${line#MUST }
		status=${rest%% *}
		rest=${rest#* }
		ok 1 "graphql-http: MUST ${rest%%: *}"
		diag "  $status: ${rest#*: }"
	fi
done < <(grep -E '^MUST (ok|error|fatal) ' "$T_TMP/audit.out")
((n_must > 0)) || ok 1 "graphql-http listed its MUST audits"

# ---- graphql-js as the oracle ----
gql_run oracle oracle.mjs "$GQL_URL" "$PAT" "$GQL_CORPUS" "$GQL_SDL"
out=$(<"$T_TMP/oracle.out")
n=$(grep -c '^ok introspection' <<<"$out")
is "$n" 2 "graphql-js builds a schema from the introspection (default options and all options)"
grep -q '^ok schema: ' <<<"$out"
ok $? "the introspected schema prints as docs/schema.graphql (lexicographically sorted)"
summary=$(grep -E '^graphql-js oracle: [0-9]+ documents' <<<"$out")
[[ -n $summary ]]
ok $? "graphql-js oracle ran to its summary (exit $GQL_RC)"
like "$summary" ', 0 disagreements,' "the server accepts exactly the corpus documents graphql-js accepts"
[[ -n $summary && $summary != *'wrong corpus expectations'* ]]
ok $? "graphql-js judges every corpus document as its '# expect:' says"

done_testing
