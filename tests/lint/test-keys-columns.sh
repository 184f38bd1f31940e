#!/bin/sh
# test-keys-columns: every column lib/vault.h seals is re-sealed by a key
# rotation. Each field name ("table.column") passed to vault_seal (or to
# the records worker's clin_seal, or named by a *FIELD* #define) in
# cgi-bin/, lib/ and tools/ must be a row of the table in
# tools/keys-values.c, so a new sealed column cannot be forgotten by
# concierge-keys reencrypt / status / retire. TAP; needs no build.
top=${srcdir:-.}
table=$top/tools/keys-values.c
fields=$(grep -h -E '(vault_seal|clin_seal)[[:space:]]*\(|#define[[:space:]]+[A-Z_]*FIELD[A-Z_]*[[:space:]]+"' \
	"$top"/cgi-bin/*/*.c "$top"/cgi-bin/*/*.h "$top"/lib/*.c "$top"/lib/*.h \
	"$top"/tools/*.c 2>/dev/null |
	grep -o -E '"[a-z_]+\.[a-z_]+"' | tr -d '"' | sort -u)
n=0
status=0
# The search itself must work: these are known sealed columns.
for known in messages.body lab_results.result_value video_session_events.detail \
	idempotency_keys.resp_body attachments.filename; do
	n=$((n + 1))
	if printf '%s\n' "$fields" | grep -qx "$known"; then
		echo "ok $n - the search finds $known"
	else
		echo "not ok $n - the search misses $known (did the sealing code move?)"
		status=1
	fi
done
for f in $fields; do
	n=$((n + 1))
	t=${f%%.*} c=${f#*.}
	if grep -q -E "\"$t\", \"$c\"|\"$f\"" "$table"; then
		echo "ok $n - $f is re-sealed by concierge-keys"
	else
		echo "not ok $n - $f is sealed but not in the table of tools/keys-values.c"
		status=1
	fi
done
echo "1..$n"
exit $status
