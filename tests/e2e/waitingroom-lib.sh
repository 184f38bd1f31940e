# tests/e2e/waitingroom-lib.sh: helpers shared by the e2e-waitingroom-*.sh
# scripts, sourced after lib.sh and appointments-lib.sh (mkuser, as).
#
# mkappt PROVIDER PATIENT START_IN_SECONDS [MINUTES [VISIT_TYPE]]: a
#   scheduled appointment made in SQL (no availability rules), starting
#   that many seconds from the real now; prints its id.
# checkin TOKEN APPT: POST check-in; sets STATUS/BODY; prints nothing.
# sweep: one `concierge-waitingroom sweep --once` of the tested build.
# wr_counts: counts plus the waiting-room tables (nothing-written checks:
#   compare two of them with is).
# mkuser_now ROLE: mkuser whose session was last seen at the dev clock's
#   now (so a big clock_shift does not idle it out); prints "ID TOKEN".
# lk_verify TOKEN [SECRET]: the LiveKit SDK's verdict on a join token
#   (claims JSON on stdout, status 0), with the configured key and secret.

mkappt() {
	local prov=$1 pat=$2 secs=$3 mins=${4:-30} vt=${5:-video} id
	id=$(head -c 40 /dev/urandom | base32 | tr 'A-Z' 'a-z' | tr -d '=\n' | head -c 26)
	sql "INSERT INTO appointments (id, provider_id, patient_id, start_at, end_at,
		status, visit_type, booked_by, created_at, updated_at) VALUES ('$id',
		'$prov', '$pat', UTC_TIMESTAMP(6) + INTERVAL $secs SECOND,
		UTC_TIMESTAMP(6) + INTERVAL ($secs + $mins * 60) SECOND, 'scheduled',
		'$vt', '$pat', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))" || bail "cannot create an appointment"
	printf '%s\n' "$id"
}

mkuser_now() {
	local id tok off
	read -r id tok <<<"$(mkuser "$@")"
	off=$(cat "$ROOT/var/clock-offset" 2>/dev/null || echo 0)
	sql "UPDATE sessions SET last_seen_at = UTC_TIMESTAMP(6) + INTERVAL $off SECOND,
		created_at = UTC_TIMESTAMP(6) + INTERVAL $off SECOND,
		expires_at = UTC_TIMESTAMP(6) + INTERVAL ($off + 86400) SECOND WHERE id = '$id'"
	printf '%s %s\n' "$id" "$tok"
}

checkin() { as "$1" POST /api/v1/waiting-room/check-in "{\"appointment_id\":\"$2\"}"; }

WR_BIN=$BUILD/cgi-bin/waitingroom/concierge-waitingroom
[[ -x $WR_BIN ]] || WR_BIN=$SRCDIR/build/cgi-bin/waitingroom/concierge-waitingroom
sweep() { "$WR_BIN" sweep --once --config "$CONF" 2>>"$T_TMP/sweep.log"; }

wr_counts() {
	printf '%s entries=%s sessions=%s vs_events=%s presence=%s announcements=%s appts=%s' "$(counts)" \
		"$(sql 'SELECT COUNT(*) FROM waiting_room_entries')" \
		"$(sql 'SELECT COUNT(*) FROM video_sessions')" \
		"$(sql 'SELECT COUNT(*) FROM video_session_events')" \
		"$(sql "SELECT COUNT(*) FROM provider_presence")" \
		"$(sql 'SELECT COUNT(*) FROM waiting_room_announcements')" \
		"$(sql "SELECT GROUP_CONCAT(status ORDER BY status) FROM appointments WHERE updated_at > UTC_TIMESTAMP(6) - INTERVAL 1 DAY")"
}

LK_DIR=$SRCDIR/tests/node/livekit
lk_verify() {
	LIVEKIT_API_KEY=$(conf_get video.api_key) LIVEKIT_API_SECRET=${2:-$(conf_get video.api_secret)} \
		node "$LK_DIR/verify.mjs" "$1"
}
