#!/usr/bin/env bash
# test-openapi: docs/openapi.yaml passes the Redocly CLI's recommended rules
# (tests/lint/redocly.yaml says what is changed and why) with no error and
# no warning, and lists exactly the routes of every worker's routes.c, both
# ways, each with the operationId named after its handler and the
# Idempotency-Key header exactly where the handler runs through idem_run(),
# and that every problem code of lib/ and cgi-bin/ is in the enum of its
# status's shared response (tests/lint/openapi-routes.py). TAP. Needs no stack; skips without the
# pinned CLI (tests/node/redocly, installed by scripts/dev) or python3-yaml.
set -u
SRC=$(cd -- "${srcdir:-$(dirname -- "$0")/../..}" && pwd -P)
DOC=$SRC/docs/openapi.yaml
REDOCLY=$SRC/tests/node/redocly/node_modules/.bin/redocly
CHECK=$SRC/tests/lint/openapi-routes.py
PY=$(command -v python3) || { echo "1..0 # SKIP python3 is not installed"; exit 0; }
"$PY" -c 'import yaml' 2>/dev/null || { echo "1..0 # SKIP python3-yaml is not installed"; exit 0; }
[[ -x $REDOCLY ]] || { echo "1..0 # SKIP no tests/node/redocly/node_modules (scripts/dev installs it)"; exit 0; }
n=0 failed=0
ok() {	# ok STATUS NAME
	n=$((n + 1))
	if [[ $1 == 0 ]]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
routes=("$SRC"/cgi-bin/*/routes.c)

# ---- the linter ----
(cd "$SRC" && "$REDOCLY" lint --config tests/lint/redocly.yaml --format=stylish \
	docs/openapi.yaml) >"$tmp/lint.out" 2>&1
rc=$?
ok $rc "redocly lint (recommended rules) passes"
grep -E '^ +[0-9]+:[0-9]+ +(error|warning) ' "$tmp/lint.out" >"$tmp/problems"
ok $(( $(wc -l <"$tmp/problems") != 0 )) "redocly lint reports no error and no warning"
[[ $rc == 0 && ! -s $tmp/problems ]] || sed 's/^/# /' "$tmp/lint.out"

# ---- routes.c <-> document ----
"$PY" "$CHECK" "$DOC" "${routes[@]}" >"$tmp/routes.out" 2>"$tmp/routes.err"
ok $? "every route of ${#routes[@]} routes.c files is in the document and the other way round"
sed 's/^/# /' "$tmp/routes.out" "$tmp/routes.err"
"$PY" "$CHECK" --list "$DOC" "${routes[@]}" >"$tmp/list"
want=$(grep -c 'HTTP_[A-Z]*,' "${routes[@]}" | awk -F: '{ s += $2 } END { print s + 1 }')
ok $(( $(wc -l <"$tmp/list") != want )) "the check sees every route (${want} with /healthz/{worker})"
read -r nidem ncodes < <(sed -n 's/.* \([0-9]*\) idempotent handlers, \([0-9]*\) problem codes.*/\1 \2/p' "$tmp/routes.err")
ok $(( ${nidem:-0} < 15 || ${ncodes:-0} < 50 )) "... every idem_run handler (${nidem:-0}) and problem code (${ncodes:-0})"

# ---- the check itself can fail ----
# A route the document lacks: drop the appointments list from a copy.
"$PY" - "$DOC" "$tmp/no-list.yaml" <<'PY'
import sys, yaml
d = yaml.load(open(sys.argv[1]), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
del d["paths"]["/api/v1/appointments"]["get"]
yaml.dump(d, open(sys.argv[2], "w"), Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper))
PY
"$PY" "$CHECK" "$tmp/no-list.yaml" "${routes[@]}" >"$tmp/o1" 2>/dev/null
ok $(( $? == 0 )) "a document without a route fails"
grep -qx 'missing GET /api/v1/appointments' "$tmp/o1"
ok $? "... naming the missing route"
# An operation no routes.c has.
"$PY" - "$DOC" "$tmp/extra.yaml" <<'PY'
import sys, yaml
d = yaml.load(open(sys.argv[1]), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
d["paths"]["/api/v1/appointments/{id}"]["delete"] = {"operationId": "apptDelete", "responses": {"204": {"description": "x"}}}
yaml.dump(d, open(sys.argv[2], "w"), Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper))
PY
"$PY" "$CHECK" "$tmp/extra.yaml" "${routes[@]}" >"$tmp/o2" 2>/dev/null
ok $(( $? == 0 )) "a document with an operation no worker serves fails"
grep -qx 'extra DELETE /api/v1/appointments/{id}' "$tmp/o2"
ok $? "... naming it"
# A route added to a routes.c (written across lines, as some are).
printf 'static const struct route r[] = {\n\t{ HTTP_POST,\n\t  "/api/v1/appointments/{id}/x", appt_x, 0 },\n};\n' >"$tmp/routes.c"
"$PY" "$CHECK" "$DOC" "${routes[@]}" "$tmp/routes.c" >"$tmp/o3" 2>/dev/null
ok $(( $? == 0 )) "a new route the document lacks fails"
grep -qx 'missing POST /api/v1/appointments/{}/x' "$tmp/o3"
ok $? "... naming it"
# An operationId that is not the handler's name.
sed 's/operationId: apptBook$/operationId: bookAppointment/' "$DOC" >"$tmp/oid.yaml"
"$PY" "$CHECK" "$tmp/oid.yaml" "${routes[@]}" >"$tmp/o4" 2>/dev/null
ok $(( $? == 0 )) "a wrong operationId fails"
grep -q "^operationId POST /api/v1/appointments: 'bookAppointment', want 'apptBook'" "$tmp/o4"
ok $? "... naming it"

# An operation that forgets the Idempotency-Key its handler honours.
"$PY" - "$DOC" "$tmp/idem.yaml" <<'PY'
import sys, yaml
d = yaml.load(open(sys.argv[1]), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
op = d["paths"]["/api/v1/appointments/{id}/cancel"]["post"]
op["parameters"] = [p for p in op["parameters"] if "IdempotencyKey" not in str(p)]
yaml.dump(d, open(sys.argv[2], "w"), Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper))
PY
"$PY" "$CHECK" "$tmp/idem.yaml" "${routes[@]}" >"$tmp/o5" 2>/dev/null
ok $(( $? == 0 )) "an operation without the Idempotency-Key its handler honours fails"
grep -q '^idempotency POST /api/v1/appointments/{id}/cancel: handler uses idem_run' "$tmp/o5"
ok $? "... naming it"
# A problem code the C code answers that the document does not list.
sed 's/enum: \[\(.*\)slot_taken, /enum: [\1/' "$DOC" >"$tmp/code.yaml"
"$PY" "$CHECK" "$tmp/code.yaml" "${routes[@]}" >"$tmp/o6" 2>/dev/null
ok $(( $? == 0 )) "a problem code missing from its status's enum fails"
grep -qx 'problem-code 409 slot_taken' "$tmp/o6"
ok $? "... naming it"

echo "1..$n"
exit $((failed != 0))
