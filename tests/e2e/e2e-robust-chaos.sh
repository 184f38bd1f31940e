#!/usr/bin/env bash
# e2e-robust-chaos: kill -9 of random worker children every 0.5 s during a
# mixed booking and messaging load (issue 15, part 2), through nginx.
# The load (robust-chaos-load.py) is a careful client: every write has an
# Idempotency-Key and is sent again with it after a 5xx or a broken
# connection. Afterwards:
#   - every acknowledged booking and message is in the database, with its
#     audit row;
#   - no idempotency key was applied twice: beside the acknowledged writes
#     the database holds one row per key answered 409 idempotency_reply_lost
#     (its worker died between the commit and storing the reply) and none
#     for a key answered idempotency_in_progress (it died before the commit);
#   - no provider is double-booked;
#   - the parents are still there and have replaced every killed child.
# The counts (writes, answers by status, transient failures, kills) are
# printed as diagnostics.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/runtime-lib.sh"

SECONDS_LOAD=${CHAOS_SECONDS:-15}
PATIENTS=${CHAOS_PATIENTS:-8}
PROVIDERS=${CHAOS_PROVIDERS:-2}
VICTIMS=(appointments messaging)
PYTHON=${PYTHON:-python3}

parent_of() { cat "$ROOT/var/run/$1.pid" 2>/dev/null; }
declare -A BEFORE LOST
THREADS=()
for w in "${VICTIMS[@]}"; do
	p=$(parent_of "$w")
	[[ -n $p ]] && proc_alive "$p" || bail "no running $w worker (scripts/dev up)"
	BEFORE[$p]=$(children_of "$p" | wc -l)
done

# Providers with weekday hours; their slots: 30-minute starts on a weekday
# next month, shared by every patient of the provider (so most are 409).
declare -a PROV_IDS
for ((i = 0; i < PROVIDERS; i++)); do
	read -r id tok <<<"$(mkuser provider)"
	as "$tok" PUT "/api/v1/availability/$id" "$(weekdays_9to5 UTC)" >/dev/null
	[[ $STATUS == 200 ]] || bail "availability: $STATUS $BODY"
	PROV_IDS+=("$id")
done
day=$(date -u -d 'next monday + 35 days' +%F)
slots=$(for h in 09 10 11 12 13 14 15 16; do for m in 00 30; do
	printf '"%sT%s:%s:00Z",' "$day" "$h" "$m"; done; done)
slots="[${slots%,}]"

# Patients: each books with one provider (the care team that lets them
# message), then half of them post messages to a thread with it.
: >"$T_TMP/jobs"
PAT_IDS=()
for ((i = 0; i < PATIENTS; i++)); do
	read -r pid ptok <<<"$(mkuser patient)"
	PAT_IDS+=("$pid")
	prov=${PROV_IDS[i % PROVIDERS]}
	jq -cn --arg t "$ptok" --arg p "$prov" --argjson s "$slots" \
		'{kind:"book", token:$t, provider:$p, slots:$s}' >>"$T_TMP/jobs"
	if ((i % 2 == 0)); then
		sql "INSERT IGNORE INTO care_team (patient_id, provider_id, added_by, added_at)
			VALUES ('$pid', '$prov', '$STAFF_ID', NOW(6))" ||
			bail "care team"
		as "$ptok" POST /api/v1/threads "$(jq -cn --arg p "$pid" --arg v "$prov" \
			'{patient_id:$p, subject:"chaos", participant_ids:[$v]}')" >/dev/null
		[[ $STATUS == 201 ]] || bail "thread: $STATUS $BODY"
		th=$(jq -r .id <<<"$BODY")
		jq -cn --arg t "$ptok" --arg th "$th" '{kind:"msg", token:$t, thread:$th}' >>"$T_TMP/jobs"
		THREADS+=("$th")
	fi
done
in_list() { local IFS=,; printf "'%s'" "$*" | sed "s/,/','/g"; }
PATS=$(in_list "${PAT_IDS[@]}")
THS=$(in_list "${THREADS[@]}")

# The load, and the killer beside it.
"$PYTHON" "$SRCDIR/tests/e2e/robust-chaos-load.py" "$BASE" "$T_TMP/jobs" "$SECONDS_LOAD" \
	"$T_TMP/out" 2>"$T_TMP/load.err" &
LOAD=$!
kills=0
while proc_alive "$LOAD"; do
	w=${VICTIMS[RANDOM % ${#VICTIMS[@]}]}
	mapfile -t kids < <(children_of "$(parent_of "$w")")
	if ((${#kids[@]})); then
		kill -KILL "${kids[RANDOM % ${#kids[@]}]}" 2>/dev/null && kills=$((kills + 1))
	fi
	sleep 0.5
done
wait "$LOAD"
is "$?" 0 "the load ran to its end ($(head -c 300 "$T_TMP/load.err"))"

# What the clients saw.
n_book=$(jq -s '[.[] | select(.kind == "book")] | length' "$T_TMP/out")
n_msg=$(jq -s '[.[] | select(.kind == "msg")] | length' "$T_TMP/out")
answers=$(jq -rs 'group_by(.kind + ":" + (.status | tostring) + " " + (.code // "")) |
	map("\(.[0].kind):\(.[0].status)\(if .[0].code then " " + .[0].code else "" end)=\(length)") |
	join(", ")' "$T_TMP/out")
transient=$(jq -rs '[.[].transient[]] | group_by(tostring) |
	map("\(.[0])=\(length)") | join(" ")' "$T_TMP/out")
diag "chaos: $kills children killed in ${SECONDS_LOAD}s; $n_book bookings and $n_msg messages written"
diag "chaos: final answers: $answers"
diag "chaos: transient answers, sent again with the same key: ${transient:-none}"
ok $((kills >= 10 ? 0 : 1)) "children were killed during the load ($kills)"
ok $((n_book >= 20 && n_msg >= 10 ? 0 : 1)) "the load wrote ($n_book bookings, $n_msg messages)"
is "$(jq -s '[.[] | select(.status == 0 or .status >= 500)] | length' "$T_TMP/out")" 0 \
	"every write got a definitive answer within its retries"
is "$(jq -r 'select(.status != 201) | select(.status != 409 or (.code |
	IN("slot_taken", "idempotency_reply_lost", "idempotency_in_progress") | not)) |
	"\(.status) \(.code)"' "$T_TMP/out" | sort | uniq -c | tr -s ' \n' ' ')" "" \
	"every other answer is 409 slot_taken, or 409 reply_lost / in_progress after a killed request"

# Every acknowledged write is there, with its audit row. Beside them, one
# row for each key answered reply_lost (committed, reply lost with its
# worker) and none for a key left in_progress (its worker died before the
# commit): no key applied twice, nothing acknowledged lost.
for k in book msg; do
	jq -r --arg k "$k" 'select(.status == 201 and .kind == $k) | .id' "$T_TMP/out" | sort >"$T_TMP/ack.$k"
	LOST[$k]=$(jq -s --arg k "$k" '[.[] | select(.kind == $k and .code == "idempotency_reply_lost")] | length' "$T_TMP/out")
done
sql "SELECT id FROM appointments WHERE patient_id IN ($PATS)" | sort >"$T_TMP/db.book"
sql "SELECT id FROM messages WHERE thread_id IN ($THS)" | sort >"$T_TMP/db.msg"
for k in book msg; do
	n=$(wc -l <"$T_TMP/ack.$k")
	is "$(sort -u "$T_TMP/ack.$k" | wc -l)" "$n" "$k: every acknowledged write has its own id ($n)"
	is "$(comm -23 "$T_TMP/ack.$k" "$T_TMP/db.$k" | wc -l)" 0 "$k: every acknowledged write is in the database"
	is "$(comm -13 "$T_TMP/ack.$k" "$T_TMP/db.$k" | wc -l)" "${LOST[$k]}" \
		"$k: the only other rows are the ${LOST[$k]} whose reply was lost (no key applied twice)"
done
is "$(sql "SELECT COUNT(*) FROM appointments a WHERE a.patient_id IN ($PATS) AND NOT EXISTS
	(SELECT 1 FROM audit_log l WHERE l.entity_type = 'appointment' AND l.entity_id = a.id
	 AND l.action = 'create' AND l.outcome = 'success')")" 0 "every booking has its audit row"
is "$(sql "SELECT COUNT(*) FROM messages m WHERE m.thread_id IN ($THS) AND NOT EXISTS
	(SELECT 1 FROM audit_log l WHERE l.entity_type = 'message' AND l.entity_id = m.id
	 AND l.outcome = 'success')")" 0 "every message has its audit row"
is "$(sql "SELECT COUNT(*) FROM appointments a JOIN appointments b
	ON a.provider_id = b.provider_id AND a.id < b.id
	AND a.start_at < b.end_at AND b.start_at < a.end_at
	WHERE a.patient_id IN ($PATS) AND a.status NOT IN ('cancelled', 'no_show')
	AND b.status NOT IN ('cancelled', 'no_show')")" 0 "no provider is double-booked"

# The parents replaced their children.
for w in "${VICTIMS[@]}"; do
	p=$(parent_of "$w")
	ok "$(proc_alive "$p" && echo 0 || echo 1)" "the $w parent is still running"
	want=${BEFORE[$p]}
	wait_until 10 '(($(children_of "'"$p"'" | wc -l) >= want))'
	is "$(children_of "$p" | wc -l)" "$want" "the $w parent is back to its $want children"
done
api GET /healthz/appointments
is "$STATUS" 200 "appointments serves after the load"

done_testing
