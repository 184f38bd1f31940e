#!/usr/bin/env bash
# e2e-records-lab-attachments: files of lab results through nginx. The
# uploader links their own unattached uploads (lib/attachment.h) when a
# result is created, edited or amended, at most 10 a result; anything
# else (someone else's upload, one linked already, no such upload) is 404
# with nothing written. GET /api/v1/lab-results/{id}/attachments/{aid}
# is checked on every request against that result: a patient never gets
# the file of a preliminary or withdrawn result, and a file is served
# only under the result it belongs to. A 10 MiB file streams through
# the records worker with its memory flat, and never lies on disk in clear.
. "${srcdir:-.}/tests/e2e/lib.sh"
. "${srcdir:-.}/tests/e2e/records-lib.sh"
. "${srcdir:-.}/tests/e2e/attachments-lib.sh"

MARK="LABFILE-$(od -An -vtx1 -N6 /dev/urandom | tr -d ' \n')"
up() { # TOKEN TYPE FILE: upload, print the id
	att_upload "$1" "$2" "$(basename "$3")" "$3"
	[[ $STATUS == 201 ]] || bail "upload $3: $STATUS $BODY"
	jq -r .id <<<"$BODY"
}
linked() { sql "SELECT IFNULL(CONCAT(attached_kind, ':', attached_id), 'unattached') FROM attachments WHERE id = '$1'"; }
state() { printf '%s %s' "$(clin_counts)" "$(sql "SELECT COUNT(*) FROM attachments WHERE attached_kind IS NOT NULL")"; }
make_pdf "$T_TMP/report.pdf" 4000 "$MARK"
make_png "$T_TMP/scan.png" "$MARK"
make_jpeg "$T_TMP/photo.jpg" "$MARK"
A1=$(up "$PROV_TOK" application/pdf "$T_TMP/report.pdf")
A2=$(up "$PROV_TOK" image/png "$T_TMP/scan.png")
A3=$(up "$PROV_TOK" image/jpeg "$T_TMP/photo.jpg")
A4=$(up "$PROV_TOK" application/pdf "$T_TMP/report.pdf")
OTHER=$(up "$PROV2_TOK" application/pdf "$T_TMP/report.pdf")
PATS=$(up "$PAT_TOK" application/pdf "$T_TMP/report.pdf")

# --- linked at creation ---
before=$(state)
LAB=$(lab_new "$PROV_TOK" "{\"attachment_ids\":[\"$A1\"]}")
as "$PROV_TOK" GET "/api/v1/lab-results/$LAB"
is "$(jq -c .attachment_ids <<<"$BODY")" "[\"$A1\"]" "a result created with a file lists it"
is "$(jq -r '.attachments[0] | [.id, .filename, .content_type, .size_bytes, .attached.kind, .attached.id] | map(tostring) | join(" ")' <<<"$BODY")" \
	"$A1 report.pdf application/pdf 4000 lab_result $LAB" "the result shows the file, linked to it"
is "$(linked "$A1")" "lab_result:$LAB" "the upload is linked to the result"
is "$(clin_delta "${before% *}" "$(clin_counts)") ${before##* }->$(sql "SELECT COUNT(*) FROM attachments WHERE attached_kind IS NOT NULL")" \
	"audit_log=+2 events=+1 labs=+1 ${before##* }->$((${before##* } + 1))" "the result, its link, its audit rows (create, read) in one go"

# --- downloads, per request ---
att_get "$PROV_TOK" "/api/v1/lab-results/$LAB/attachments/$A1" "$T_TMP/got.pdf"
is "$STATUS" 200 "the care team downloads the file"
cmp -s "$T_TMP/report.pdf" "$T_TMP/got.pdf"
ok $? "the same bytes"
is "$(header Content-Type) | $(header X-Content-Type-Options)" "application/pdf | nosniff" "its type, not sniffed"
like "$(header Content-Disposition)" '^attachment; filename="report.pdf"' "as a download, with its name"
is "$(last_audit)" "read attachment $A1 $PAT_ID success" "the download is audited as a read of the patient's record"
before=$(state)
att_get "$PAT_TOK" "/api/v1/lab-results/$LAB/attachments/$A1" "$T_TMP/no.pdf"
is "$STATUS" 404 "the patient gets no file of a preliminary result"
is "$(clin_delta "${before% *}" "$(clin_counts)")" "audit_log=+1" "that refusal is audited once"
is "$(last_audit)" "read lab_result $LAB $PAT_ID denied" "as a denied read of the result"
for who in OPAT PRNC PRUN ADMIN AUDITOR; do
	tok=${who}_TOK
	att_get "${!tok}" "/api/v1/lab-results/$LAB/attachments/$A1" "$T_TMP/no.pdf"
	is "$STATUS" 404 "$who gets 404 for the file"
done
att_get "" "/api/v1/lab-results/$LAB/attachments/$A1" "$T_TMP/no.pdf"
is "$STATUS" 401 "anonymous: 401"
att_get "$STAFF_TOK" "/api/v1/lab-results/$LAB/attachments/$A2" "$T_TMP/no.pdf"
is "$STATUS" 404 "an upload not linked to this result is 404, even to staff"
L_OTHER=$(lab_new "$PROV_TOK")
att_get "$STAFF_TOK" "/api/v1/lab-results/$L_OTHER/attachments/$A1" "$T_TMP/no.pdf"
is "$STATUS" 404 "a file is served only under its own result"
att_get "$STAFF_TOK" "/api/v1/lab-results/$LAB/attachments/aaaaaaaaaaaaaaaaaaaaaaaaaa" "$T_TMP/no.pdf"
is "$STATUS" 404 "no such file: 404"
att_get "$PAT_TOK" "/api/v1/attachments/$A1" "$T_TMP/no.pdf"
is "$STATUS" 404 "the messaging route does not serve a lab result's file"

# --- more files while preliminary ---
as "$PROV_TOK" PATCH "/api/v1/lab-results/$LAB" "{\"attachment_ids\":[\"$A2\"]}"
is "$STATUS $(jq -c .attachment_ids <<<"$BODY")" "200 [\"$A1\",\"$A2\"]" "a PATCH adds a file"
is "$(sql "SELECT JSON_COMPACT(JSON_EXTRACT(metadata, '\$.fields')) FROM audit_log WHERE action = 'update' AND entity_id = '$LAB' ORDER BY id DESC LIMIT 1")" \
	'["attachment_ids"]' "audited as a change of attachment_ids"

# --- refused links: a problem and nothing written ---
refuse() { # NAME STATUS METHOD PATH BODY [TOKEN]
	local before
	before=$(state)
	as "${6:-$PROV_TOK}" "$3" "$4" "$5"
	is "$STATUS" "$2" "$1 ($2)"
	is "$(state)" "$before" "$1: nothing written"
}
refuse "someone else's upload" 404 PATCH "/api/v1/lab-results/$LAB" "{\"attachment_ids\":[\"$OTHER\"]}"
refuse "the patient's upload" 404 PATCH "/api/v1/lab-results/$LAB" "{\"attachment_ids\":[\"$PATS\"]}"
refuse "an upload linked already" 404 PATCH "/api/v1/lab-results/$L_OTHER" "{\"attachment_ids\":[\"$A1\"]}"
refuse "no such upload" 404 PATCH "/api/v1/lab-results/$LAB" '{"attachment_ids":["aaaaaaaaaaaaaaaaaaaaaaaaaa"]}'
refuse "not an id" 422 PATCH "/api/v1/lab-results/$LAB" '{"attachment_ids":["x"]}'
refuse "one file twice" 422 PATCH "/api/v1/lab-results/$LAB" "{\"attachment_ids\":[\"$A3\",\"$A3\"]}"
refuse "not a list" 422 PATCH "/api/v1/lab-results/$LAB" "{\"attachment_ids\":\"$A3\"}"
refuse "eleven at once" 422 PATCH "/api/v1/lab-results/$LAB" "$(jq -cn --arg a "$A3" '{attachment_ids:[range(11) | $a]}')"
refuse "a good and a foreign one: all or nothing" 404 POST /api/v1/lab-results \
	"$(jq -cn --arg p "$PAT_ID" --arg a "$A3" --arg o "$OTHER" '{patient_id:$p,test_name:"T",result_value:"1",attachment_ids:[$a,$o]}')"
is "$(linked "$A3")" unattached "the good one is not linked either"
as "$PROV_TOK" PATCH "/api/v1/lab-results/$LAB" "{\"attachment_ids\":[\"$OTHER\"]}"
like "$BODY" '"field":"attachment_ids\[0\]"' "the 404 names the file"
as "$PAT_TOK" PATCH "/api/v1/lab-results/$LAB" "{\"attachment_ids\":[\"$PATS\"]}"
is "$STATUS" 404 "a patient cannot attach to a result"
# ten in all: two there, nine more are too many
many=()
for i in $(seq 9); do many+=("$(up "$PROV_TOK" application/pdf "$T_TMP/report.pdf")"); done
refuse "more than ten files in all" 422 PATCH "/api/v1/lab-results/$LAB" \
	"$(printf '%s\n' "${many[@]}" | jq -Rcs '{attachment_ids:(split("\n") | map(select(length > 0)))}')"
as "$PROV_TOK" PATCH "/api/v1/lab-results/$LAB" \
	"$(printf '%s\n' "${many[@]:0:8}" | jq -Rcs '{attachment_ids:(split("\n") | map(select(length > 0)))}')"
is "$STATUS $(jq -r '.attachment_ids | length' <<<"$BODY")" "200 10" "ten in all are fine"

# --- released: the patient gets the files ---
as "$PROV_TOK" POST "/api/v1/lab-results/$LAB/finalize"
is "$STATUS" 200 "finalised"
att_get "$PAT_TOK" "/api/v1/lab-results/$LAB/attachments/$A2" "$T_TMP/got.png"
is "$STATUS $(header Content-Type)" "200 image/png" "the patient downloads a file of the final result"
cmp -s "$T_TMP/scan.png" "$T_TMP/got.png"
ok $? "the same bytes"
as "$PAT_TOK" GET "/api/v1/lab-results/$LAB"
is "$(jq -r '.attachments | length' <<<"$BODY")" 10 "and sees all its files"
is "$(sql "SELECT attachment_ids FROM lab_results WHERE id = '$LAB'" | tr , '\n' | sort | paste -sd,)" \
	"$(sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM attachments WHERE attached_kind = 'lab_result' AND attached_id = '$LAB'")" \
	"the result's copy of its file ids is what the attachments table links"

# --- amendments add files to the result ---
L2=$(lab_final "$PROV_TOK")
as "$PROV_TOK" POST "/api/v1/lab-results/$L2/amend" "{\"attachment_ids\":[\"$A4\"],\"reason\":\"Report added.\"}"
is "$STATUS $(jq -r '(.version | tostring) + " " + (.attachment_ids | join(","))' <<<"$BODY")" "200 2 $A4" \
	"an amendment may bring a file (version 2)"
att_get "$PAT_TOK" "/api/v1/lab-results/$L2/attachments/$A4" "$T_TMP/got.pdf"
is "$STATUS" 200 "the patient downloads it"
as "$PROV_TOK" POST "/api/v1/lab-results/$L2/status" '{"status":"entered_in_error"}'
att_get "$PAT_TOK" "/api/v1/lab-results/$L2/attachments/$A4" "$T_TMP/no.pdf"
is "$STATUS" 404 "a withdrawn result's file is 404 to the patient at once"
att_get "$PROV_TOK" "/api/v1/lab-results/$L2/attachments/$A4" "$T_TMP/got.pdf"
is "$STATUS" 200 "the care team still has it"
sql "UPDATE attachments SET attached_id = '$LAB' WHERE id = '$A4'" 2>/dev/null
is "$?" 1 "SQL: a link never moves to another record"

# --- 10 MiB, streamed: the records workers' memory stays flat ---
hwm() { # the largest peak RSS (KiB) among the records workers' children
	local f st max=0 v p
	local -a fields parents=()
	for p in "$ROOT"/var/run/records-*.pid; do parents+=("$(<"$p")"); done
	for f in /proc/[0-9]*/stat; do
		st=$(<"$f") 2>/dev/null || continue
		read -ra fields <<<"${st##*) }"
		[[ " ${parents[*]} " == *" ${fields[1]} "* ]] || continue
		v=$(awk '/^VmHWM:/ { print $2 }' "${f%/stat}/status" 2>/dev/null)
		((${v:-0} > max)) && max=$v
	done
	printf '%s' "$max"
}
make_pdf "$T_TMP/10m.pdf" $((10 * 1024 * 1024)) "$MARK"
BIG=$(up "$PROV_TOK" application/pdf "$T_TMP/10m.pdf")
LB=$(lab_final "$PROV_TOK" "{\"attachment_ids\":[\"$BIG\"]}")
h0=$(hwm)
# Six downloads: both records instances serve some (nginx spreads them).
for i in 1 2 3 4 5 6; do
	att_get "$PAT_TOK" "/api/v1/lab-results/$LB/attachments/$BIG" "$T_TMP/10m.out"
	[[ $STATUS == 200 ]] || break
	cmp -s "$T_TMP/10m.pdf" "$T_TMP/10m.out" || break
done
is "$STATUS" 200 "a 10 MiB report downloaded six times"
cmp -s "$T_TMP/10m.pdf" "$T_TMP/10m.out"
ok $? "10 MiB: the same bytes every time"
h1=$(hwm)
diag "records children peak RSS: ${h0} KiB before, ${h1} KiB after 6 x 10 MiB down"
ok "$(((h1 - h0) < 4096 ? 0 : 1))" "worker memory stays flat (peak grew $((h1 - h0)) KiB, under 4 MiB)"
is "$(att_leaks "$MARK")" "" "no file of a lab result lies on disk in clear"

done_testing
