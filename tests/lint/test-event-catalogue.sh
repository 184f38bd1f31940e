#!/usr/bin/env bash
# test-event-catalogue: every event type the code can emit is listed in
# docs/EVENTS.md (its "Catalogue" tables). tests/lint/event-types.py finds
# the types: the string literals that reach events_append() or a wrapper of
# it. TAP. Needs no running stack (also runs under make distcheck).
set -u
SRC=$(cd -- "${srcdir:-$(dirname -- "$0")/../..}" && pwd -P)
PY=$(command -v python3) || { echo "1..0 # SKIP python3 is not installed"; exit 0; }
CHECK=$SRC/tests/lint/event-types.py
FIX=$SRC/tests/lint/fixtures
DOC=$SRC/docs/EVENTS.md
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

# catalogue: the backquoted names in the first column of the tables of the
# "## Catalogue" section.
catalogue() {
	awk '/^## /{ on = ($0 ~ /^## Catalogue/) } on && /^\| `[^`]+` *\|/ {
		s = $0; sub(/^\| `/, "", s); sub(/`.*/, "", s); print s }' "$1" | sort -u
}
# unlisted TYPES-FILE: the types not in the catalogue.
unlisted() { comm -23 <(cut -f1 "$1" | sort -u) <(catalogue "$DOC"); }

# ---- the check itself, on fixtures ----
"$PY" "$CHECK" "$FIX/event-types-ok.c" >"$tmp/ok.out" 2>"$tmp/ok.err"
ok $? "the fixture of every supported form passes"
want="fixture.assigned fixture.designated fixture.file_scope fixture.literal fixture.macro
fixture.parenthesised fixture.table_one fixture.table_two fixture.ternary_a fixture.ternary_b
fixture.via_wrapper fixture.via_wrapper2"
got=$(cut -f1 "$tmp/ok.out" | sort -u | tr '\n' ' ')
[[ $got == "$(tr '\n' ' ' <<<"$want")" ]]
ok $? "it finds literals, conditionals, variables, macros, table fields and wrappers"
[[ $got == "$(tr '\n' ' ' <<<"$want")" ]] || echo "# got: $got"
[[ $got != *not.real* ]]
ok $? "and nothing from comments"
"$PY" "$CHECK" "$FIX/event-types-bad.c" >"$tmp/bad.out" 2>"$tmp/bad.err"
[[ $? == 1 ]]
ok $? "an argument it cannot see through fails the check"
grep -q "event-types-bad.c:7: cannot resolve" "$tmp/bad.err"
ok $? "naming the file and line"
grep -q "event-types-bad.c:9: events rows are written by events_append" "$tmp/bad.err"
ok $? "and so does SQL of its own writing events rows"
[[ -n $(unlisted "$tmp/ok.out") ]]
ok $? "types missing from docs/EVENTS.md are noticed (the fixture's are)"

# ---- the code ----
[[ -r $DOC ]]
ok $? "docs/EVENTS.md is there"
"$PY" "$CHECK" "$SRC/lib" "$SRC/cgi-bin" "$SRC/tools" >"$tmp/code.out" 2>"$tmp/code.err"
rc=$?
ok $rc "every event type argument in lib/, cgi-bin/ and tools/ resolves"
((rc == 0)) || sed 's/^/# /' "$tmp/code.err"
[[ $(wc -l <"$tmp/code.out") -gt 0 ]]
ok $? "the code emits event types ($(cut -f1 "$tmp/code.out" | sort -u | wc -l) of them)"
missing=$(unlisted "$tmp/code.out")
[[ -z $missing ]]
ok $? "each of them is in the catalogue of docs/EVENTS.md"
for t in $missing; do
	echo "# not in docs/EVENTS.md: $t (emitted at $(grep -P "^\Q$t\E\t" "$tmp/code.out" | cut -f2 | tr '\n' ' '))"
done
# and the other way: a row of the catalogue no code emits (renamed, removed)
# would tell clients to wait for an event that never comes.
stale=$(comm -13 <(cut -f1 "$tmp/code.out" | sort -u) <(catalogue "$DOC"))
[[ -z $stale ]]
ok $? "every type in the catalogue is emitted by the code${stale:+ (not: $(tr '\n' ' ' <<<"$stale"))}"
bad=$(catalogue "$DOC" | grep -v -E '^[a-z][a-z_]*\.[a-z][a-z_]*$')
[[ -z $bad ]]
ok $? "catalogue names are entity.verb, lowercase${bad:+ (not: $bad)}"

echo "1..$n"
exit 0
