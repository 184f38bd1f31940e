#!/usr/bin/env bash
# e2e-robust-keys: data-key rotation online (concierge-keys, docs/OPERATIONS.md
# "Key rotation"). A new key becomes current, the workers restart and seal
# with it, and reencrypt re-seals every value and attachment file while a
# background load writes and reads sealed values through nginx; afterwards
# nothing uses the old key, every value opens and reads back as written,
# files download with their SHA-256, and only an unused, non-current key can
# be retired. A second rotation is interrupted (--max-batches, then kill -9)
# and resumed. The stack is left as found: key 1 current, every value
# under it, the keys file with no other key.
. "${srcdir:-.}/tests/e2e/lib.sh"
need_build
. "$T_LIB_DIR/runtime-lib.sh"
. "$T_LIB_DIR/attachments-lib.sh"
. "$T_LIB_DIR/records-lib.sh"

RUN=$ROOT/var/run
DEV=$ROOT/scripts/dev
PORT=${BASE##*:}
export PORT
KEYS_BIN=$BUILD/tools/concierge-keys
KF=$(conf_get crypto.keys_file)
[[ -x $KEYS_BIN ]] || bail "no $KEYS_BIN"
[[ -n $KF && -f $KF ]] || bail "the dev config has no crypto.keys_file (scripts/dev up writes it)"
keys() { "$KEYS_BIN" --config "$CONF" "$@"; }
dev() { (close_fds; NO_BUILD=1 BUILD_DIR=$BUILD exec "$DEV" "$@"); }

# restart_workers: every worker instance stopped (SIGTERM: in-flight
# requests finish) and started again by scripts/dev up, so it reads the
# keys file again: what a rolling restart does in production.
WORKERS="auth records-1 records-2 appointments messaging waitingroom audit events graphql"
restart_workers() {
	local w pid
	local -a pids=()
	for w in $WORKERS; do
		pid=$(cat "$RUN/$w.pid" 2>/dev/null) || continue
		[[ $pid =~ ^[0-9]+$ ]] && proc_alive "$pid" && kill -TERM "$pid" && pids+=("$pid")
	done
	for pid in "${pids[@]}"; do
		wait_until 60 proc_gone "$pid" || bail "worker $pid does not stop"
	done
	dev up >"$T_TMP/up.log" 2>&1 || bail "scripts/dev up: $(tail -n 5 "$T_TMP/up.log")"
}
# key_of TABLE COLUMN WHERE: the key id in the header of one sealed value.
key_of() { sql "SELECT CONV(HEX(SUBSTRING($2, 2, 4)), 16, 10) FROM $1 WHERE $3"; }
# under WHAT KEY: the count status prints for values|files under KEY (0 if none).
under() {
	local n
	n=$(sed -n "s/^$1 under key $2: //p" "$T_TMP/status.out")
	echo "${n:-0}"
}
status_ok() { keys status >"$T_TMP/status.out" 2>"$T_TMP/status.err"; }

# Whatever happens, end with key 1 current and every value under it.
restore() {
	[[ -f $T_TMP/restored ]] && return 0
	keys use 1 >/dev/null 2>&1
	restart_workers
	keys reencrypt >/dev/null 2>&1
	for k in $(sed -n 's/^key \([0-9]*\) .*/\1/p' "$KF"); do
		keys retire "$k" >/dev/null 2>&1
	done
}
on_exit restore

R=$(od -An -vtx1 -N6 /dev/urandom | tr -d ' \n')
is "$(keys status >"$T_TMP/status.out" 2>&1; echo $?)" 0 "status: every stored value opens before the rotation"
is "$(sed -n 's/^current key: //p' "$T_TMP/status.out")" 1 "key 1 is current"

# --- fresh sealed values of every kind the load does not write ---
LAB=$(lab_new "$PROV_TOK" "$(jq -cn --arg v "LABV-$R" --arg n "LABN-$R" '{result_value:$v,notes:$n}')")
as "$PROV_TOK" POST "/api/v1/lab-results/$LAB/finalize"
as "$PROV_TOK" POST "/api/v1/lab-results/$LAB/amend" "$(jq -cn --arg v "LABA-$R" --arg r "WHY-$R" '{result_value:$v,reason:$r}')" \
	-H "Idempotency-Key: keys-$R"
is "$STATUS" 200 "a released, amended result (append-only versions, a stored reply)"
PLAN=$(plan_new "$PROV_TOK" "$(jq -cn --arg d "PLAND-$R" --arg g "PLANG-$R" '{details:$d,goals:[{description:$g}],status:"active"}')")
api POST /api/v1/threads "$(jq -cn --arg p "$PAT_ID" --arg s "SUBJ-$R" --arg d "$PROV_ID" \
	'{patient_id:$p,subject:$s,participant_ids:[$d]}')" -H "Authorization: Bearer $PAT_TOK"
[[ $STATUS == 201 ]] || bail "thread: $STATUS $BODY"
THR=$(jq -r .id <<<"$BODY")
make_pdf "$T_TMP/f.pdf" 200000 "FILE-$R"
att_upload "$PAT_TOK" application/pdf "NAME-$R.pdf" "$T_TMP/f.pdf"
[[ $STATUS == 201 ]] || bail "upload: $STATUS $BODY"
ATT=$(jq -r .id <<<"$BODY")
as "$PAT_TOK" POST "/api/v1/threads/$THR/messages" "$(jq -cn --arg b "MSG-$R" --arg a "$ATT" '{body:$b,attachment_ids:[$a]}')"
is "$STATUS" 201 "a message with an attachment"
is "$(key_of lab_results result_value "id = '$LAB'") $(sql "SELECT key_id FROM attachments WHERE id = '$ATT'")" \
	"1 1" "all sealed under key 1"

# --- rotate: a new key, current once the workers restart ---
NEW=$(keys new) || bail "keys new failed"
ok "$([[ $NEW =~ ^[0-9]+$ ]] && ((NEW > 1)); echo $?)" "new prints the new key id ($NEW)"
is "$(stat -c %a "$KF")" 600 "the keys file stays mode 0600"
is "$(grep -c "^key $NEW [0-9a-f]\{64\}$" "$KF") $(grep -c '^current' "$KF") $(sed -n 's/^current //p' "$KF")" \
	"1 1 $NEW" "the keys file holds the new key and names it current, once"
restart_workers
L2=$(lab_new "$PROV_TOK" '{"result_value":"after the restart"}')
is "$(key_of lab_results result_value "id = '$L2'")" "$NEW" "restarted workers seal with the new key"

# --- reencrypt under load ---
# load: messages and lab results written and read back through nginx
# until $T_TMP/stop exists; every write and read is checked; failures go
# to load.err, what was written to load.out ("KIND ID TEXT").
load() {
	local i=0 id text
	while [[ ! -f $T_TMP/stop ]] && ((i < 2000)); do
		i=$((i + 1))
		text="LOADMSG-$R-$i"
		as "$PAT_TOK" POST "/api/v1/threads/$THR/messages" "$(jq -cn --arg b "$text" '{body:$b}')"
		if [[ $STATUS == 201 ]]; then
			echo "msg $(jq -r .id <<<"$BODY") $text" >>"$T_TMP/load.out"
		else
			echo "message $i: $STATUS" >>"$T_TMP/load.err"
		fi
		text="LOADLAB-$R-$i"
		as "$PROV_TOK" POST /api/v1/lab-results "$(jq -cn --arg p "$PAT_ID" --arg v "$text" \
			'{patient_id:$p,test_name:"Load",result_value:$v}')"
		id=$(jq -r .id <<<"$BODY" 2>/dev/null)
		if [[ $STATUS == 201 && -n $id ]]; then
			echo "lab $id $text" >>"$T_TMP/load.out"
			as "$PROV_TOK" GET "/api/v1/lab-results/$id"
			[[ $STATUS == 200 && $(jq -r .result_value <<<"$BODY") == "$text" ]] ||
				echo "read lab $i: $STATUS" >>"$T_TMP/load.err"
		else
			echo "lab $i: not created" >>"$T_TMP/load.err"
		fi
		as "$PAT_TOK" GET "/api/v1/lab-results/$LAB"
		[[ $STATUS == 200 && $(jq -r .result_value <<<"$BODY") == "LABA-$R" ]] ||
			echo "read the old lab $i: $STATUS" >>"$T_TMP/load.err"
	done
}
loaded() { [[ $(wc -l <"$T_TMP/load.out" 2>/dev/null || echo 0) -ge $1 ]]; }
: >"$T_TMP/load.out"
load &
LOAD=$!
on_exit "touch '$T_TMP/stop'; wait $LOAD 2>/dev/null"
wait_until 60 loaded 4 || bail "the load does not start"
AUDIT0=$(sql "SELECT COALESCE(MAX(id), 0) FROM audit_log")
keys reencrypt --batch 20 >"$T_TMP/re.out" 2>"$T_TMP/re.err"
rc=$?
is "$rc" 0 "reencrypt under load: exit 0"
((rc == 0)) || diag "reencrypt said: $(tail -5 "$T_TMP/re.err")"
like "$(cat "$T_TMP/re.out")" "sealed again under key $NEW: [1-9][0-9]* values, [1-9][0-9]* files" "it re-sealed values and files"
n=$(wc -l <"$T_TMP/load.out")
wait_until 60 loaded $((n + 4)) || bail "the load stopped"
touch "$T_TMP/stop"
wait "$LOAD"
is "$(cat "$T_TMP/load.err" 2>/dev/null)" "" "the load saw no failure while reencrypt ran ($(wc -l <"$T_TMP/load.out") writes)"
ok "$(status_ok; echo $?)" "status: every value and file opens (exit 0)"
is "$(under values 1) $(under files 1)" "0 0" "nothing is sealed under key 1 any more"
is "$(sql "SELECT COUNT(*) FROM messages WHERE body_key_id <> $NEW OR CONV(HEX(SUBSTRING(body, 2, 4)), 16, 10) <> $NEW")" 0 \
	"messages: every body and its body_key_id under the new key"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE id > $AUDIT0 AND action = 'reencrypt'
	AND entity_type = 'data_key' AND JSON_VALUE(metadata, '$.key_id') = $NEW")" "$(grep -o 'in [0-9]* batches' "$T_TMP/re.out" | tr -dc 0-9)" \
	"one audit row per batch"

# --- every value reads back as written ---
bad=0
while read -r kind id text; do
	if [[ $kind == lab ]]; then
		as "$PROV_TOK" GET "/api/v1/lab-results/$id"
		[[ $STATUS == 200 && $(jq -r .result_value <<<"$BODY") == "$text" ]] || bad=$((bad + 1))
	fi
done <"$T_TMP/load.out"
is "$bad" 0 "every lab result of the load reads back as written"
as "$PAT_TOK" GET "/api/v1/threads/$THR/messages?limit=100"
got=$(jq -r '.data[].body' <<<"$BODY" | grep -c "^LOADMSG-$R-")
want=$(grep -c '^msg ' "$T_TMP/load.out")
((want > 100)) && want=100
is "$got" "$want" "the load's messages read back (the newest page)"
as "$PAT_TOK" GET "/api/v1/lab-results/$LAB/versions"
is "$(jq -r '.data[0] | .result_value + " " + .reason' <<<"$BODY")" "LABA-$R WHY-$R" \
	"the released version and its amendment reason open"
as "$PAT_TOK" GET "/api/v1/treatment-plans/$PLAN"
is "$(jq -r '.details + " " + .goals[0].description' <<<"$BODY")" "PLAND-$R PLANG-$R" "the plan opens"
api GET "/api/v1/threads/$THR" "" -H "Authorization: Bearer $PAT_TOK"
is "$(jq -r .subject <<<"$BODY")" "SUBJ-$R" "the thread's subject opens"
as "$PROV_TOK" POST "/api/v1/lab-results/$LAB/amend" "$(jq -cn --arg v "LABA-$R" --arg r "WHY-$R" '{result_value:$v,reason:$r}')" \
	-H "Idempotency-Key: keys-$R"
is "$STATUS $(jq -r .result_value <<<"$BODY")" "200 LABA-$R" "the stored reply replays after its re-seal"
read -r name sha < <(sql "SELECT storage_name, LOWER(HEX(sha256)) FROM attachments WHERE id = '$ATT'")
att_get "$PAT_TOK" "/api/v1/attachments/$ATT" "$T_TMP/got.pdf"
is "$STATUS $(sha256sum <"$T_TMP/got.pdf" | cut -d' ' -f1)" "200 $sha" "the attachment downloads with its recorded SHA-256"
is "$(cmp -s "$T_TMP/got.pdf" "$T_TMP/f.pdf"; echo $?) $(sql "SELECT key_id FROM attachments WHERE id = '$ATT'")" "0 $NEW" \
	"the same bytes, from a file under the new key"
ok "$([[ -f $(att_path "$name") ]]; echo $?)" "the row names a file that exists"
is "$(att_tmp)" 0 "no temporary file is left"

# --- retire ---
keys retire 1 >/dev/null 2>"$T_TMP/ret.err"
is "$?" 1 "key 1 (crypto.data_key) is not retired by the tool"
like "$(cat "$T_TMP/ret.err")" "crypto.data_key" "it says to remove crypto.data_key by hand"
keys retire "$NEW" >/dev/null 2>"$T_TMP/ret.err"
is "$?" 1 "the current key is never retired"
like "$(cat "$T_TMP/ret.err")" "current key" "and it says why"
keys reencrypt >"$T_TMP/re.out" 2>&1
is "$? $(grep -o ': [0-9]* values, [0-9]* files, in [0-9]* batches' "$T_TMP/re.out")" \
	"0 : 0 values, 0 files, in 0 batches" "a second run finds nothing to do"

# --- a second rotation, interrupted and resumed ---
OLD=$NEW
NEW=$(keys new) || bail "keys new failed"
is "$NEW" $((OLD + 1)) "the next key id"
restart_workers
keys reencrypt --batch 1 --max-batches 3 >"$T_TMP/re.out" 2>&1
is "$? $(grep -o 'in [0-9]* batches' "$T_TMP/re.out")" "1 in 3 batches" "--max-batches 3 stops after three batches (exit 1)"
status_ok
is "$(under values "$NEW")" 3 "three values moved, the rest still under key $OLD"
keys retire "$OLD" >/dev/null 2>"$T_TMP/ret.err"
is "$?" 1 "a key still in use is not retired"
like "$(cat "$T_TMP/ret.err")" "still seals [1-9][0-9]* values" "and it says how many values use it"
# Killed as soon as it has moved one value more than the three above (the
# first columns: thread subjects, message bodies), or once it is done.
moved() {
	[[ $(sql "SELECT (SELECT COUNT(*) FROM threads WHERE subject_key_id = $NEW) +
		(SELECT COUNT(*) FROM messages WHERE body_key_id = $NEW)") -ge $1 ]]
}
# The binary itself in the background, not the keys function: $! would be
# a subshell, and kill -9 would leave the tool running beside the next run.
"$KEYS_BIN" --config "$CONF" reencrypt --batch 1 >/dev/null 2>&1 &
RE=$!
wait_until 60 "moved 4 || proc_gone $RE" || bail "reencrypt does not progress"
kill -9 "$RE" 2>/dev/null
wait "$RE" 2>/dev/null
status_ok
diag "killed with $(under values "$OLD") values still under key $OLD"
keys reencrypt --batch 50 >"$T_TMP/re.out" 2>&1
rc=$?
is "$rc" 0 "a run after the kill goes on to the end"
((rc == 0)) || diag "reencrypt said: $(tail -5 "$T_TMP/re.out")"
ok "$(status_ok; echo $?)" "status: every value opens"
is "$(under values "$OLD") $(under files "$OLD") $(under values 1)" "0 0 0" "nothing under the old keys"
keys retire "$OLD" >"$T_TMP/ret.out" 2>&1
is "$? $(grep -c "^key $OLD " "$KF")" "0 0" "the unused key $OLD is retired (gone from the keys file)"
ok "$(status_ok; echo $?)" "everything still opens without it"

# --- back to key 1, as the rest of the suite expects ---
is "$(keys use 1 >/dev/null; echo $?) $(sed -n 's/^current //p' "$KF")" "0 1" "use 1 makes key 1 current again"
restart_workers
is "$(keys reencrypt >/dev/null 2>&1; echo $?)" 0 "and every value is re-sealed under it"
keys retire "$NEW" >/dev/null 2>&1
is "$? $(grep -c '^key ' "$KF")" "0 0" "key $NEW retired: the keys file names no key"
status_ok
is "$? $(under values 1 | grep -c '^[1-9]') $(grep -c "under key [^1]:" "$T_TMP/status.out")" "0 1 0" \
	"every value and file under key 1 again"
touch "$T_TMP/restored"
as "$PAT_TOK" GET "/api/v1/lab-results/$LAB"
is "$STATUS $(jq -r .result_value <<<"$BODY")" "200 LABA-$R" "the workers read it"
done_testing
