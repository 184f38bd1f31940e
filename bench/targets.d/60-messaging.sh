# bench/targets.d/60-messaging.sh: secure messaging (issue 10).
#
# msg-post: POST /api/v1/threads/{id}/messages as a patient, spread over
#   64 threads with their provider (wrk with its own Lua script). Each
#   post: the session, then one transaction with the thread's row lock,
#   the participants and the policy, the sealed message, its receipt, the
#   unread counts, the audit row, the event and the mail throttle (an
#   outbox row at most once per thread and recipient per 15 minutes).
#   Every run adds its messages to the dev database (a 10 s run at 1k/s:
#   10k messages with their rows).
# msg-post-idem: the same with an Idempotency-Key on each post, as a
#   careful client sends: the claim (its own commit), the mark in the
#   post's transaction, the sealed reply stored (another commit).
# msg-list: GET /api/v1/threads/{id}/messages as the provider: the newest
#   20 of a thread of 100k messages (keyset on (thread_id, seq)), bodies
#   opened, the reader's receipts, and the page's audit row.
# att-download / static-10m: a 10 MiB PDF downloaded through the
#   messaging worker (access check, audit row, then decrypted 64 KiB
#   chunk by chunk into the response) against nginx sending a 10 MiB
#   static file (sendfile). 4 connections, MB/s in the notes; no ratio
#   to pk (the work is bytes, not requests).
#
# Data (made once): users bench-msg-patient@bench.test and
# bench-msg-provider@bench.test (the demo password), the provider on the
# patient's care team, and the threads, by bench/msg-fill.c
# (concierge-bench-msgfill, which seals bodies as the worker does).

msg_sql() {
	"$(command -v mariadb || command -v mysql)" --socket="$DB_SOCKET" -uroot -N concierge -e "$1"
}

MSG_PAT=benchmsgpatientaaaaaaaaaaa
MSG_PROV=benchmsgprovideraaaaaaaaaa
MSG_LIST=benchmsglistthreadaaaaaaaa
MSG_FILL=$CONCIERGE_ROOT/${BUILD_DIR:-build}/bench/concierge-bench-msgfill
BENCH_NO_RATIO+=" att-download static-10m"

msg_bench_data() {
	msg_sql "
	INSERT IGNORE INTO users (id, email, email_norm, role, password_hash, full_name, created_at, updated_at)
		SELECT '$MSG_PAT', 'bench-msg-patient@bench.test', 'bench-msg-patient@bench.test', 'patient',
		    password_hash, 'Bench Msg Patient', NOW(6), NOW(6) FROM users WHERE email = 'patient1@demo.test'
		UNION ALL
		SELECT '$MSG_PROV', 'bench-msg-provider@bench.test', 'bench-msg-provider@bench.test', 'provider',
		    password_hash, 'Bench Msg Provider', NOW(6), NOW(6) FROM users WHERE email = 'patient1@demo.test';
	INSERT IGNORE INTO patient_profiles (user_id, medical_record_number) VALUES ('$MSG_PAT', 'BENCHMSG1');
	INSERT IGNORE INTO provider_profiles (user_id, is_verified, telehealth_enabled) VALUES ('$MSG_PROV', 1, 1);
	INSERT IGNORE INTO care_team (patient_id, provider_id, added_at) VALUES ('$MSG_PAT', '$MSG_PROV', NOW(6));" ||
		die "messaging: cannot create the bench users"
	[[ -x $MSG_FILL ]] || die "messaging: $MSG_FILL is missing (not built?)"
	if [[ $(msg_sql "SELECT IFNULL((SELECT message_count FROM threads WHERE id = '$MSG_LIST'), 0)") -lt 100000 ]]; then
		echo "bench: messaging: creating a thread of 100k messages (once)" >&2
	fi
	"$MSG_FILL" --config "$CONCIERGE_CONFIG" --patient "$MSG_PAT" --provider "$MSG_PROV" \
		--list-thread "$MSG_LIST" --messages 100000 --post-threads 64 >"$OUT_DIR/msg-threads.txt" ||
		die "messaging: cannot create the bench threads"
	msg_sql "ANALYZE TABLE messages, message_receipts, thread_participants" >/dev/null
}

# The msg-post Lua script: each request posts to the next of 64 threads.
msg_lua() {
	cat <<'LUA'
local env = os.getenv
local token, idem, offset = env("BENCH_TOKEN"), env("BENCH_MSG_IDEM") == "1", env("BENCH_OFFSET") or "0"
local name = env("BENCH_NAME") or "msg-post"
local ids = {}
for id in (env("BENCH_THREADS") or ""):gmatch("[a-z2-7]+") do table.insert(ids, id) end
local threads = {}
function setup(thread) thread:set("tid", #threads); table.insert(threads, thread) end
function init(args) n = 0; ok = 0; non2xx = 0; first_bad = 0 end
function request()
	n = n + 1
	local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
	if idem then headers["Idempotency-Key"] = "bench-" .. offset .. "-" .. tid .. "-" .. n end
	local th = ids[((tid * 7919 + n) % #ids) + 1]
	return wrk.format("POST", "/api/v1/threads/" .. th .. "/messages", headers,
	    '{"body":"How are you feeling today? Any side effects from the new dose? (' .. n .. ')"}')
end
function response(status, hdrs, body)
	if status == 201 then ok = ok + 1
	else
		non2xx = non2xx + 1
		if first_bad == 0 then first_bad = status end
	end
end
function done(summary, latency, requests)
	local bad, fb = 0, 0
	for _, t in ipairs(threads) do
		bad = bad + (t:get("non2xx") or 0)
		if fb == 0 then fb = t:get("first_bad") or 0 end
	end
	local e = summary.errors
	local secs = summary.duration / 1e6
	local f = io.open(env("BENCH_OUT"), "w")
	f:write(string.format("name=" .. name .. " requests=%d duration_s=%.2f rps=%.2f p50_ms=%.3f p99_ms=%.3f non2xx=%d bad_status=%s errors=%d\n",
	    summary.requests, secs, summary.requests / secs, latency:percentile(50) / 1000,
	    latency:percentile(99) / 1000, bad, fb, e.connect + e.read + e.write + e.timeout))
	f:close()
end
LUA
}

# msg_result NAME FILE: a key=value line into the table (as bench_target does).
msg_result() {
	local name=$1 line pair
	local -A kv=()
	if [ ! -s "$2" ]; then
		fail "$name: wrk gave no result, see var/bench/$name.wrk.txt"
		return 1
	fi
	line=$(<"$2")
	echo "$line" >>"$OUT_DIR/last.raw.tmp"
	for pair in $line; do
		kv[${pair%%=*}]=${pair#*=}
	done
	RPS[$name]=${kv[rps]} P50[$name]=${kv[p50_ms]} P99[$name]=${kv[p99_ms]}
	ERRS[$name]=$((kv[non2xx] + kv[errors]))
	((kv[non2xx] == 0)) || fail "$name: ${kv[non2xx]} responses not 2xx (first: ${kv[bad_status]})"
	((kv[errors] == 0)) || fail "$name: ${kv[errors]} socket errors"
}

# msg_post NAME IDEM: the posting target, with (1) or without (0) keys.
msg_post() {
	local name=$1 idem=$2 tok lua="$OUT_DIR/msg-post.lua" phase threads
	[[ $DEFINED != *" $name "* ]] || die "target '$name' defined twice"
	DEFINED+="$name "
	bench_selected "$name" || return 0
	echo "bench: $name: POST /api/v1/threads/{64 threads}/messages (${WARMUP} warm-up, $DURATION)" >&2
	NAMES+=("$name")
	RPS[$name]="-" P50[$name]="-" P99[$name]="-" ERRS[$name]="-"
	tok=$(bench_login bench-msg-patient@bench.test 'Concierge-Dev-2026!')
	threads=$(tr '\n' ',' <"$OUT_DIR/msg-threads.txt")
	msg_lua >"$lua"
	for phase in warmup measure; do
		[[ $phase == warmup && $WARMUP =~ ^0+[smh]?$ ]] && continue
		rm -f "$OUT_DIR/$name.result"
		BENCH_TOKEN=$tok BENCH_THREADS=$threads BENCH_OFFSET="$(date +%s%N)" \
		    BENCH_NAME=$name BENCH_MSG_IDEM=$idem \
		    BENCH_OUT="$OUT_DIR/$name.result" wrk -t "$THREADS" -c "$CONNECTIONS" \
		    -d "$([[ $phase == warmup ]] && echo "$WARMUP" || echo "$DURATION")" \
		    --timeout "$TIMEOUT" -s "$lua" "$BASE_URL" >"$OUT_DIR/$name.wrk.txt" 2>&1 || true
	done
	msg_result "$name" "$OUT_DIR/$name.result" || return 0
}

# msg_bytes NAME PATH [HEADER]: 4 connections pulling a 10 MiB body.
MSG_BYTES=$((10 * 1024 * 1024))
msg_bytes() {
	local name=$1 path=$2 hdr=${3-} code
	[[ $DEFINED != *" $name "* ]] || die "target '$name' defined twice"
	DEFINED+="$name "
	bench_selected "$name" || return 0
	echo "bench: $name: GET $path, 10 MiB (4 connections, $DURATION)" >&2
	NAMES+=("$name")
	RPS[$name]="-" P50[$name]="-" P99[$name]="-" ERRS[$name]="-"
	code=$(curl -sS -o "$OUT_DIR/$name.body" -w '%{http_code} %{size_download}' ${hdr:+-H "$hdr"} \
	    "$BASE_URL$path") || true
	if [[ $code != "200 $MSG_BYTES" ]]; then
		fail "$name: GET $path answered '$code' (want 200 and $MSG_BYTES bytes)"
		return 0
	fi
	rm -f "$OUT_DIR/$name.result"
	BENCH_NAME=$name BENCH_OUT="$OUT_DIR/$name.result" BENCH_METHOD=GET BENCH_BODY= \
	    BENCH_HEADERS=$hdr wrk -t 2 -c 4 -d "$DURATION" --timeout 30s -s "$LUA" \
	    "$BASE_URL$path" >"$OUT_DIR/$name.wrk.txt" 2>&1 || true
	msg_result "$name" "$OUT_DIR/$name.result"
}

if bench_selected msg-post || bench_selected msg-post-idem || bench_selected msg-list; then
	msg_bench_data
fi
msg_post msg-post 0
msg_post msg-post-idem 1
msg_tok=""
bench_selected msg-list && msg_tok=$(bench_login bench-msg-provider@bench.test 'Concierge-Dev-2026!')
BENCH_EXPECT='"next_cursor":"' bench_target msg-list GET "/api/v1/threads/$MSG_LIST/messages" "" \
	"Authorization: Bearer $msg_tok"

if bench_selected att-download || bench_selected static-10m; then
	mkdir -p "$CONCIERGE_ROOT/var/bench"
	if [[ ! -s $CONCIERGE_ROOT/var/bench/static-10m.bin ]]; then
		head -c "$MSG_BYTES" /dev/urandom >"$CONCIERGE_ROOT/var/bench/static-10m.bin"
	fi
	# The same bytes as a PDF upload: a header, the random bytes, an end.
	{ printf '%%PDF-1.4\n'; head -c $((MSG_BYTES - 16)) "$CONCIERGE_ROOT/var/bench/static-10m.bin"; printf '\n%%%%EOF\n'; } \
		>"$OUT_DIR/att-10m.pdf"
	msg_bench_data
	att_tok=$(bench_login bench-msg-patient@bench.test 'Concierge-Dev-2026!')
	att_id=$(curl -sS -X POST "$BASE_URL/api/v1/attachments" -H "Authorization: Bearer $att_tok" \
	    -H 'Content-Type: application/pdf' -H 'X-Filename: bench-10m.pdf' \
	    --data-binary "@$OUT_DIR/att-10m.pdf" | sed -n 's/.*"id":"\([a-z2-7]*\)".*/\1/p')
	[[ -n $att_id ]] || die "messaging: the 10 MiB upload failed"
fi
msg_bytes static-10m /bench/static-10m
msg_bytes att-download "/api/v1/attachments/${att_id:-none}" "Authorization: Bearer ${att_tok:-}"
if [[ ${RPS[att-download]:--} != - && ${RPS[static-10m]:--} != - ]]; then
	msg_note="10 MiB download: worker $(awk -v r="${RPS[att-download]}" 'BEGIN { printf "%.0f", r * 10 }') MiB/s,"
	msg_note+=" nginx static file $(awk -v r="${RPS[static-10m]}" 'BEGIN { printf "%.0f", r * 10 }') MiB/s,"
	msg_note+=" ratio att-download/static-10m: $(ratio "${RPS[att-download]}" "${RPS[static-10m]}")"
	BENCH_NOTES+=("$msg_note")
fi
