#!/usr/bin/env bash
# e2e-notify-templates: every template name the code can enqueue (string
# literals passed to outbox_enqueue or any wrapper of it, found by
# tests/e2e/notify-template-names.py) and every name in the outbox table
# has a template; docs/NOTIFICATIONS.md lists exactly the templates; the
# scanner itself finds names in each form it claims to (so this test can
# fail). Then the dev stack's own sender delivers to the dev sinks.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/notify-lib.sh"

SCAN=$T_LIB_DIR/notify-template-names.py
TEMPLATES=$("$NOTIFY_BIN" --list-templates | sort)
is "$(wc -l <<<"$TEMPLATES")" 9 "concierge-notify --list-templates names 9 templates"
DOC=$(sed -n '/^## Templates/,/^## /p' "$SRCDIR/docs/NOTIFICATIONS.md" |
	sed -n 's/^| `\([a-z0-9_]*\)` |.*/\1/p' | sort)
is "$DOC" "$TEMPLATES" "docs/NOTIFICATIONS.md lists exactly the templates"

# ---- the code ----
"$PYTHON" "$SCAN" "$SRCDIR" >"$T_TMP/scan.out" 2>&1
is "$?" 0 "every template argument in the code resolves to names"
grep '^UNRESOLVED' "$T_TMP/scan.out" | while read -r line; do diag "$line"; done
USED=$(awk '$1 != "UNRESOLVED" { print $1 }' "$T_TMP/scan.out" | sort -u)
# Each name queued today, by every area: auth, appointments, records,
# messaging and the waiting room (a name the scan stopped finding would
# otherwise drop out of the check below unnoticed).
for n in password_reset mfa_replay appointment_confirmation appointment_changed \
    appointment_cancelled appointment_reminder lab_result_available \
    new_secure_message provider_ready; do
	grep -qx "$n" <<<"$USED"
	ok $? "the scan finds '$n' in the code"
done
missing=$(comm -23 <(printf '%s\n' "$USED") <(printf '%s\n' "$TEMPLATES"))
is "$missing" "" "every name the code enqueues has a template"
[[ -z $missing ]] || grep -F -- "$missing" "$T_TMP/scan.out" | while read -r line; do diag "no template: $line"; done

# The scanner on code that names templates in every supported way, and in one
# it cannot resolve: it must find them all and fail on the last.
F=$T_TMP/fixture
mkdir -p "$F/cgi-bin/demo" "$F/lib"
cat >"$F/lib/demo.h" <<'EOF'
#define DEMO_TEMPLATE	"demo_define"
EOF
cat >"$F/cgi-bin/demo/demo.c" <<'EOF'
#include "lib/demo.h"
static const char DEMO_CONST[] = "demo_const";

static const struct {
	const char	*action;
	const char	*template;
	int		 flag;
} table[] = {
	{ "create", "demo_table_1", 1 },
	{ "drop", NULL, 0 },
	{ "move", "demo_table_2", 1 },
};

/* a wrapper: passes its parameter on as the template */
static int
demo_notify(struct db *db, const char *who, const char *name)
{
	return outbox_enqueue(db, OUTBOX_EMAIL, who, name, NULL, 0);
}

static int
demo_wrapper2(struct db *db, const char *tmpl)
{
	return demo_notify(db, "u", tmpl);
}

int
demo(struct db *db, int i, int j)
{
	int	 rc;

	rc = outbox_enqueue(db, OUTBOX_SMS, "u", "demo_literal", NULL, 0);
	rc = demo_notify(db, "u", i ? "demo_ternary_a" : "demo_ternary_b");
	rc = demo_wrapper2(db, "demo_nested_wrapper");
	rc = outbox_notify(db, "u", DEMO_TEMPLATE, NULL, 0);
	rc = outbox_enqueue(db, OUTBOX_EMAIL, "u", DEMO_CONST, NULL, 0);
	rc = demo_notify(db, "u", table[i].template);
	rc = outbox_enqueue(db, OUTBOX_EMAIL, "u", pick(j), NULL, 0);
	return rc;
}
EOF
cp "$SRCDIR/lib/outbox.c" "$F/lib/outbox.c"
"$PYTHON" "$SCAN" "$F" >"$T_TMP/fixture.out" 2>&1
is "$?" 1 "the scanner fails on a template it cannot resolve"
like "$(cat "$T_TMP/fixture.out")" "UNRESOLVED .*demo.c:[0-9]+ outbox_enqueue\(\.\.\., pick\(j\)" "and names the place"
is "$(awk '$1 != "UNRESOLVED" { print $1 }' "$T_TMP/fixture.out" | sort | tr '\n' ' ')" \
	"demo_const demo_define demo_literal demo_nested_wrapper demo_table_1 demo_table_2 demo_ternary_a demo_ternary_b " \
	"literals, ternaries, #define, const arrays, table fields, wrappers of wrappers"

# ---- the database: every name ever queued by a worker ----
# (rows this area's tests wrote by hand, for users @notify.test, may name
# bogus templates on purpose)
INDB=$(sql "SELECT DISTINCT o.template FROM outbox o LEFT JOIN users u ON u.id = o.recipient_user_id
	WHERE u.email IS NULL OR u.email NOT LIKE '%@notify.test'" | sort)
diag "templates in the outbox table: $(tr '\n' ' ' <<<"$INDB")"
is "$(comm -23 <(printf '%s\n' "$INDB" | sed '/^$/d') <(printf '%s\n' "$TEMPLATES"))" "" \
	"every template name in the outbox table has a template"

# ---- the dev stack's sender and sinks ----
pid=$(cat "$ROOT/var/run/notify.pid" 2>/dev/null)
if [[ $pid =~ ^[0-9]+$ ]] && proc_alive "$pid"; then
	ok 0 "scripts/dev runs concierge-notify (pid $pid)"
else
	ok 1 "scripts/dev runs concierge-notify (var/run/notify.pid: '$pid')"
fi
like "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" "concierge-notify --config $ROOT/var/concierge.conf --follow" \
	"as a daemon on the stack's config"
like "$(conf_get notify.smtp_url) $(conf_get notify.sms_url)" \
	"^smtp://127\.0\.0\.1:$(cat "$ROOT/var/run/smtp-sink.port") http://127\.0\.0\.1:$(cat "$ROOT/var/run/sms-sink.port")/" \
	"pointed at the dev sinks"
read -r U _ E <<<"$(nuser patient +15550199001)"
M=$(enqueue "$U" email new_secure_message)
S=$(enqueue "$U" sms new_secure_message)
wait_until 30 "grep -q ' $E\$' '$ROOT/var/mail/index' && grep -q '\"To\": \"+15550199001\"' '$ROOT/var/sms/messages.jsonl'"
ok $? "the dev sinks received the mail (var/mail) and the SMS (var/sms)"
wait_until 10 "[[ \$(row $M) == 'sent 1 -' && \$(row $S) == 'sent 1 -' ]]"
ok $? "and the rows are sent"
f=$(awk -v e="$E" '$3 == e { print $1 }' "$ROOT/var/mail/index" | tail -n 1)
is "$(mails "$ROOT/var/mail" 2>/dev/null | jq -r --arg f "$f" 'select(.file == $f) | .subject')" \
	"Concierge (dev): you have a new secure message" "the dev mail reads as it should"
done_testing
