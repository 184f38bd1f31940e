#!/usr/bin/env bash
# e2e-appointments-race: the no-double-booking proof. 60 bookings for
# overlapping times of one provider, from 60 patients, fired at once
# (curl in parallel through nginx to several worker processes): exactly
# one 201, the rest 409, one row. Then 60 bookings of one patient with 60
# providers at overlapping times: one 201. Then 20 concurrent cancels of
# one visit: one 200 (compare-and-swap).
. "$(dirname -- "$0")/lib.sh"

. "$(dirname -- "$0")/appointments-lib.sh"

# N and the workers' log may be overridden (tests/apache runs this script
# through Apache with fewer racers; its workers log to Apache's error log),
# and the least number of worker processes the bookings must have reached
# (APPT_RACE_MIN_PIDS, 2: nginx's upstream spreads them; mod_fcgid may
# serve a burst with one process when the others are busy, so 1 there).
N=${APPT_RACE_N:-60}
APPT_LOG=${APPT_RACE_LOG:-$ROOT/var/log/appointments.log}
read -r PROV PROV_TOK <<<"$(mkuser provider)"
as "$PROV_TOK" PUT "/api/v1/availability/$PROV" "$(weekdays_9to5 America/New_York)"
is "$STATUS" 200 "provider availability set"

# fire FILE: one curl per line of FILE ("TOKEN BODYFILE"), all at once;
# each writes "STATUS" to T_TMP/out.N.
fire() {
	local i=0 tok body
	while read -r tok body; do
		printf '%s %s %s\n' "$i" "$tok" "$body"
		i=$((i + 1))
	done <"$1" | xargs -P "$N" -n 3 sh -c 'curl -s -o "'"$T_TMP"'/resp.$0" -w "%{http_code}\\n" --max-time 60 \
		-X POST -H "Authorization: Bearer $1" -H "Content-Type: application/json" \
		--data-binary "@$2" "'"$BASE"'/api/v1/appointments" >"'"$T_TMP"'/out.$0"' 
}

# 60 patients, 60 starts between 14:00Z and 14:59Z, 60 minutes each: every
# pair overlaps.
: >"$T_TMP/jobs"
for ((i = 0; i < N; i++)); do
	read -r pid ptok <<<"$(mkuser patient)"
	jq -cn --arg p "$PROV" --arg s "2027-01-11T14:$(printf %02d $((i % 60))):00Z" \
		'{provider_id:$p, start_at:$s, duration_minutes:60, visit_type:"video"}' >"$T_TMP/body.$i"
	printf '%s %s\n' "$ptok" "$T_TMP/body.$i" >>"$T_TMP/jobs"
done
rm -f "$T_TMP"/out.*
log_before=$(wc -l <"$APPT_LOG" 2>/dev/null || echo 0)
fire "$T_TMP/jobs"
codes=$(cat "$T_TMP"/out.* | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')
is "$(cat "$T_TMP"/out.* | grep -c '^201$')" 1 "exactly one of $N overlapping bookings wins ($codes)"
is "$(cat "$T_TMP"/out.* | grep -c '^409$')" $((N - 1)) "the other $((N - 1)) get 409"
is "$(sql "SELECT COUNT(*) FROM appointments WHERE provider_id='$PROV'")" 1 "exactly one row in the database"
is "$(sql "SELECT COUNT(*) FROM care_team WHERE provider_id='$PROV'")" 1 "one care-team row"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_type='appointment' AND action='create' AND outcome='success'
	AND entity_id IN (SELECT id FROM appointments WHERE provider_id='$PROV')")" 1 "one booking audit row"
pids=$(tail -n +"$((log_before + 1))" "$APPT_LOG" 2>/dev/null |
	grep 'POST /api/v1/appointments' | sed -n 's/.* pid=\([0-9]*\) .*/\1/p' | sort -u | wc -l)
ok $((pids >= ${APPT_RACE_MIN_PIDS:-2} ? 0 : 1)) "the bookings were served by $pids worker processes"
like "$(cat "$T_TMP"/resp.* | grep -m1 '"status":409')" 'slot_taken' "a loser's reply says slot_taken"

# One patient, 60 providers, overlapping times: the patient lock.
read -r PAT PAT_TOK <<<"$(mkuser patient)"
: >"$T_TMP/jobs"
for ((i = 0; i < N; i++)); do
	read -r vid vtok <<<"$(mkuser provider)"
	as "$vtok" PUT "/api/v1/availability/$vid" "$(weekdays_9to5 America/New_York)" >/dev/null
	jq -cn --arg p "$vid" --arg s "2027-01-12T15:$(printf %02d $((i % 60))):00Z" \
		'{provider_id:$p, start_at:$s, duration_minutes:60, visit_type:"in_person"}' >"$T_TMP/pbody.$i"
	printf '%s %s\n' "$PAT_TOK" "$T_TMP/pbody.$i" >>"$T_TMP/jobs"
done
rm -f "$T_TMP"/out.*
fire "$T_TMP/jobs"
codes=$(cat "$T_TMP"/out.* | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')
is "$(cat "$T_TMP"/out.* | grep -c '^201$')" 1 "one patient, $N providers: one booking wins ($codes)"
is "$(cat "$T_TMP"/out.* | grep -c '^409$')" $((N - 1)) "the others get 409"
is "$(sql "SELECT COUNT(*) FROM appointments WHERE patient_id='$PAT'")" 1 "the patient has exactly one visit"

# Concurrent cancels of one visit: the compare-and-swap lets one through.
APPT=$(sql "SELECT id FROM appointments WHERE provider_id='$PROV'")
rm -f "$T_TMP"/c.*
seq 1 20 | xargs -P 20 -I{} sh -c 'curl -s -o /dev/null -w "%{http_code}\\n" -X POST \
	-H "Authorization: Bearer '"$STAFF_TOK"'" -H "Content-Type: application/json" \
	--data-binary "{\"reason\":\"race {}\"}" "'"$BASE"'/api/v1/appointments/'"$APPT"'/cancel" >"'"$T_TMP"'/c.{}"'
is "$(cat "$T_TMP"/c.* | grep -c '^200$') $(cat "$T_TMP"/c.* | grep -c '^409$')" "1 19" "20 concurrent cancels: one 200, nineteen 409"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id='$APPT' AND action='cancel'")" 1 "one cancel audit row"
is "$(sql "SELECT COUNT(*) FROM outbox WHERE template='appointment_cancelled' AND channel='email' AND JSON_VALUE(payload,'\$.appointment_id')='$APPT'")" 2 \
	"one cancellation notice each for patient and provider"

# The freed time can be booked again, exactly once.
rm -f "$T_TMP"/out.*
: >"$T_TMP/jobs2"
for ((i = 0; i < 20; i++)); do
	read -r pid ptok <<<"$(mkuser patient)"
	printf '%s %s\n' "$ptok" "$T_TMP/body.$i" >>"$T_TMP/jobs2"
done
fire "$T_TMP/jobs2"
is "$(cat "$T_TMP"/out.* | grep -c '^201$')" 1 "after the cancel, 20 racers: one wins again"
is "$(sql "SELECT COUNT(*) FROM appointments WHERE provider_id='$PROV' AND status <> 'cancelled'")" 1 "still one live visit"

done_testing
