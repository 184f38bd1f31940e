#!/usr/bin/env bash
# test-man-pages: the manual pages in man/ (mdoc) pass `mandoc -T lint
# -W warning` with nothing to say; every concierge-* program of the build
# has a page, and every page is of a program the build makes, with its
# name in .Dt and .Nm. TAP. Run from the build directory (make check),
# after the programs are built; bench and test programs are not installed
# and need no page. ONCE_TESTS: an outside tool's check (Debian mandoc).
set -u
SRC=$(cd -- "${srcdir:-$(dirname -- "$0")/../..}" && pwd -P)
BUILD=$PWD
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

MANDOC=$(command -v mandoc)
ok $? "mandoc is installed (scripts/dev installs Debian's mandoc)"
pages=$(cd "$SRC/man" && ls concierge-*.[1-8] 2>/dev/null | sort)
[[ -n $pages ]]; ok $? "man/ has pages ($(wc -w <<<"$pages"))"

for p in $pages; do
	out=$(cd "$SRC/man" && "$MANDOC" -T lint -W warning "$p" 2>&1)
	rc=$?
	[[ $rc == 0 && -z $out ]]; ok $? "mandoc -T lint -W warning $p: nothing to say"
	[[ -z $out ]] || printf '# %s\n' "$out"
	name=${p%.*} sec=${p##*.}
	dt=$(awk '$1 == ".Dt" { print $2, $3; exit }' "$SRC/man/$p")
	nm=$(awk '$1 == ".Nm" && NF == 2 { print $2; exit }' "$SRC/man/$p")
	upper=$(tr a-z A-Z <<<"$name")
	[[ $dt == "$upper $sec" && $nm == "$name" ]]; ok $? "$p: .Dt $dt, .Nm $nm"
done

# The programs the build makes (workers under cgi-bin/, tools under tools/).
progs=$(find "$BUILD/cgi-bin" "$BUILD/tools" -type f -perm -u+x -name 'concierge-*' \
	2>/dev/null | sed 's|.*/||' | sort -u)
[[ $(wc -w <<<"$progs") -ge 10 ]]; ok $? "the build has its programs ($(wc -w <<<"$progs"): $(tr '\n' ' ' <<<"$progs"))"
for prog in $progs; do
	grep -qx "$prog\.[1-8]" <<<"$pages"; ok $? "$prog has a manual page"
done
for p in $pages; do
	grep -qx "${p%.*}" <<<"$progs"; ok $? "$p is of a program the build makes"
done
# Installed by make install: every page is in dist_man_MANS.
for p in $pages; do
	grep -Eq "(^|[[:space:]])man/$p([[:space:]]|\\\\|$)" "$SRC/Makefile.am"; ok $? "man/$p is in Makefile.am (dist_man_MANS)"
done

echo "1..$n"
exit $((failed > 0))
