#!/bin/sh
# Every JSON field table a worker declares is fuzzed: each
# "struct json_field NAME[] = {" in cgi-bin/ must be named in the
# registry tests/fuzz/tables-WORKER.c of its worker (docs/FUZZING.md).
# TAP output, one line per table.
top=${srcdir:-.}
n=0
status=0
list=$(grep -n -E 'struct json_field[[:space:]]+[A-Za-z_][A-Za-z0-9_]*\[\][[:space:]]*=' \
	"$top"/cgi-bin/*/*.c 2>/dev/null)
if [ -z "$list" ]; then
	echo "1..1"
	echo "not ok 1 - no field tables found under $top/cgi-bin"
	exit 1
fi
echo "$list" | {
	while IFS= read -r hit; do
		file=${hit%%:*}
		worker=$(basename "$(dirname "$file")")
		name=$(printf '%s\n' "$hit" | sed -E 's/.*struct json_field[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)\[\].*/\1/')
		reg=$top/tests/fuzz/tables-$worker.c
		n=$((n + 1))
		where="${file#"$top"/}"
		if printf '%s\n' "$hit" | grep -q -E ':[[:space:]]*static[[:space:]]'; then
			echo "not ok $n - $name ($where) is static: declare it in cgi-bin/$worker/fields.h and list it in tests/fuzz/tables-$worker.c"
			status=1
		elif [ ! -f "$reg" ] || ! grep -q -w "$name" "$reg"; then
			echo "not ok $n - $name ($where) is in no fuzz registry: list it in tests/fuzz/tables-$worker.c"
			status=1
		else
			echo "ok $n - $name ($where) is fuzzed by fuzz-json-$worker"
		fi
	done
	echo "1..$n"
	exit $status
}
