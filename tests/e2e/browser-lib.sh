# tests/e2e/browser-lib.sh: helpers of the headless Chromium tests
# (tests/browser/), sourced after lib.sh. Chromium is Debian's
# /usr/bin/chromium (scripts/dev installs it); node drives it over its
# DevTools pipe (tests/browser/cdp.mjs, no npm package). Screenshots and
# profiles go to var/browser/.
command -v node >/dev/null || bail "node is not installed"
[[ -x ${CHROMIUM:-/usr/bin/chromium} ]] || bail "chromium is not installed (scripts/dev installs it)"
BROWSER_DIR=$ROOT/var/browser
mkdir -p "$BROWSER_DIR" || bail "cannot create var/browser"
# The second web origin's two ports (scripts/origin-server.py): A is in
# cors.allowed_origins, B is not.
read -r ORIGIN_A ORIGIN_B <"$ROOT/var/run/origin.port" 2>/dev/null ||
	bail "no var/run/origin.port: the origin server is not running (scripts/dev up starts it)"

# browser SCRIPT ARGS...: node tests/browser/SCRIPT with a fresh profile;
# sets OUT (its JSON) and BROWSER_RC.
browser() {
	local script=$1 profile
	shift
	profile=$T_TMP/chromium-profile-$RANDOM
	OUT=$(node "$ROOT/tests/browser/$script" "$@" "$profile" 2>"$T_TMP/browser.err")
	BROWSER_RC=$?
	((BROWSER_RC == 0)) || diag "$script: $(head -c 2000 "$T_TMP/browser.err")"
	rm -rf "$profile"
	return 0
}
