#!/usr/bin/env bash
# e2e-attachments-upload: POST /api/v1/attachments and GET
# /api/v1/attachments/{id} through nginx. An upload is checked by its
# bytes, stored encrypted under a random name (no plaintext on disk or in
# the database), audited, and readable by its uploader alone while it is
# unattached. Every bad input (type, name, size, content, a full disk, a
# client that goes away) is refused with a problem and leaves no row and
# no file. A 10 MiB round trip keeps the worker's memory flat.
. "${srcdir:-.}/tests/e2e/lib.sh"
. "$T_LIB_DIR/attachments-lib.sh"

R=$(od -An -vtx1 -N4 /dev/urandom | tr -d ' \n')
MARK="SECRET-LAB-NOTE-$R"
PAT=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient1 login"
declare -A TOK
for who in patient2 provider1 staff admin auditor; do
	TOK[$who]=$(login "$who@demo.test" "$DEMO_PASSWORD") || bail "$who login"
done
PAT_ID=$(sql "SELECT id FROM users WHERE email_norm='patient1@demo.test'")
KEY_NOW=1	# crypto.data_key is key 1 (the dev config has no keys file)

# --- a PDF: stored, encrypted, audited ---
make_pdf "$T_TMP/a.pdf" 200000 "$MARK"
before=$(counts)
s0=$(att_state)
att_upload "$PAT" application/pdf "Lab résumé $R.pdf" "$T_TMP/a.pdf"
is "$STATUS" 201 "patient uploads a PDF"
ID=$(jq -r .id <<<"$BODY")
is "$(header Location)" "/api/v1/attachments/$ID" "Location names it"
is "$(jq -r '[.filename, .content_type, .size_bytes, .uploader_id, (.attached|tostring)] | join("|")' <<<"$BODY")" \
	"Lab résumé $R.pdf|application/pdf|200000|$PAT_ID|null" "reply: name, type, size, uploader, not attached"
is "$(jq -r .sha256 <<<"$BODY")" "$(sha256sum "$T_TMP/a.pdf" | cut -d' ' -f1)" "reply: SHA-256 of the plaintext"
is "$(sql "SELECT CONCAT_WS('|', uploader_id, content_type, size_bytes, LOWER(HEX(sha256)), key_id,
	IFNULL(attached_kind, '-')) FROM attachments WHERE id='$ID'")" \
	"$PAT_ID|application/pdf|200000|$(jq -r .sha256 <<<"$BODY")|$KEY_NOW|-" "row: uploader, type, size, digest, key id"
NAME=$(sql "SELECT storage_name FROM attachments WHERE id='$ID'")
like "$NAME" '^[0-9a-f]{32}$' "stored under a random 128-bit name"
isnt "$NAME" "$ID" "not the public id"
FILE=$(att_path "$NAME")
ok "$([[ -f $FILE ]]; echo $?)" "the file is at <dir>/<2 hex>/<name>"
is "$(stat -c %a "$FILE")" 600 "mode 0600"
is "$(stat -c %s "$FILE")" $((16 + 200000 + 4 * 28)) "header + 4 chunks of ciphertext and tags"
is "$(att_leaks "$MARK")" "" "the file on disk holds no plaintext (nor nginx's temp folders)"
is "$(head -c 4 "$FILE")" "CCAT" "an encrypted attachment file"
is "$(att_tmp)" 0 "no temporary file left"
is "$(delta "$before" "$(counts)")" "audit_log=+1" "one audit row"
is "$(sql "SELECT CONCAT_WS(' ', action, entity_type, entity_id, actor_id, outcome, summary) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"create attachment $ID $PAT_ID success attachment uploaded" "the upload is audited"
is "$(sql "SELECT COUNT(*) FROM attachments WHERE id='$ID' AND (filename LIKE '%résumé%' OR filename LIKE '%$R%')")" 0 \
	"the file name is sealed in the database"
unlike "$(sql "SELECT metadata FROM audit_log ORDER BY id DESC LIMIT 1")" "$R" "no file name in the audit row"

# --- the uploader downloads it ---
before=$(counts)
att_get "$PAT" "/api/v1/attachments/$ID" "$T_TMP/a.out"
is "$STATUS" 200 "uploader downloads"
cmp -s "$T_TMP/a.pdf" "$T_TMP/a.out"
ok $? "the same bytes come back"
is "$(header Content-Type)" application/pdf "Content-Type as stored"
is "$(header Content-Length)" 200000 "Content-Length"
is "$(header X-Content-Type-Options)" nosniff "X-Content-Type-Options: nosniff"
is "$(header Content-Disposition)" \
	"attachment; filename=\"Lab r_sum_ $R.pdf\"; filename*=UTF-8''Lab%20r%C3%A9sum%C3%A9%20$R.pdf" \
	"Content-Disposition: attachment, ASCII fallback and UTF-8 name"
is "$(header Cache-Control)" no-store "not cached"
is "$(delta "$before" "$(counts)")" "audit_log=+1" "the download is audited"
is "$(sql "SELECT CONCAT_WS(' ', action, entity_type, entity_id, outcome, summary) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"read attachment $ID success attachment downloaded" "as a read of the attachment"

# --- nobody else sees an unattached upload ---
for who in patient2 provider1 staff admin auditor; do
	d0=$(sql "SELECT COUNT(*) FROM audit_log WHERE outcome='denied' AND entity_id='$ID'")
	api GET "/api/v1/attachments/$ID" "" -H "Authorization: Bearer ${TOK[$who]}"
	is "$STATUS" 404 "$who cannot read another user's upload (404)"
	is "$(sql "SELECT COUNT(*) FROM audit_log WHERE outcome='denied' AND entity_id='$ID'")" $((d0 + 1)) \
		"$who: the denial is audited once"
done
api GET "/api/v1/attachments/$ID" ""
is "$STATUS" 401 "no token: 401"
api GET "/api/v1/attachments/aaaaaaaaaaaaaaaaaaaaaaaaaa" "" -H "Authorization: Bearer $PAT"
is "$STATUS" 404 "an unknown id: 404"
api GET "/api/v1/attachments/..%2f..%2fetc" "" -H "Authorization: Bearer $PAT"
is "$STATUS" 404 "not an id: 404"

# --- PNG and JPEG, with and without an extension ---
make_png "$T_TMP/b.png" "$MARK"
att_upload "$PAT" image/png "scan" "$T_TMP/b.png"
is "$STATUS" 201 "a PNG"
PNG_ID=$(jq -r .id <<<"$BODY")
att_get "$PAT" "/api/v1/attachments/$PNG_ID" "$T_TMP/b.out"
is "$(header Content-Disposition)" "attachment; filename=\"scan.png\"; filename*=UTF-8''scan.png" \
	"the download gets the extension of its type"
cmp -s "$T_TMP/b.png" "$T_TMP/b.out"
ok $? "PNG bytes round-trip"
make_jpeg "$T_TMP/c.jpg" "$MARK"
att_upload "$PAT" image/jpeg 'photo "1".html' "$T_TMP/c.jpg"
is "$STATUS" 201 "a JPEG"
JPG_ID=$(jq -r .id <<<"$BODY")
att_get "$PAT" "/api/v1/attachments/$JPG_ID" "$T_TMP/c.out"
is "$(header Content-Disposition)" \
	"attachment; filename=\"photo _1_.html.jpg\"; filename*=UTF-8''photo%20%221%22.html.jpg" \
	"quotes replaced; a misleading extension gets the real one"
cmp -s "$T_TMP/c.jpg" "$T_TMP/c.out"
ok $? "JPEG bytes round-trip"
is "$(att_leaks "$MARK")" "" "no plaintext on disk after three uploads"

# --- bad inputs: a clear problem, no row, no file ---
# bad NAME WANT_STATUS WANT_CODE TOKEN TYPE FILENAME FILE [curl args]
bad() {
	local name=$1 want=$2 code=$3 before s0
	shift 3
	before=$(counts)
	s0=$(att_state)
	att_upload "$@"
	is "$STATUS" "$want" "$name: $want"
	[[ $code == - ]] || is "$(jq -r .code <<<"$BODY" 2>/dev/null)" "$code" "$name: problem $code"
	is "$(header Content-Type)" application/problem+json "$name: a problem document"
	is "$(att_state)" "$s0" "$name: no row, no file, no temporary file"
	is "$(delta "$before" "$(counts)")" none "$name: nothing written"
}
printf 'hello' >"$T_TMP/hello.txt"
make_elf_png "$T_TMP/elf.png"
cp "$T_TMP/elf.png" "$T_TMP/bare.elf" && tail -c +9 "$T_TMP/elf.png" >"$T_TMP/bare.elf"
: >"$T_TMP/empty"
bad "text/plain" 415 unsupported_media_type "$PAT" text/plain "a.txt" "$T_TMP/hello.txt"
bad "application/json" 415 unsupported_media_type "$PAT" application/json "a.json" "$T_TMP/hello.txt"
bad "ELF behind a PNG header" 422 content_mismatch "$PAT" image/png "x.png" "$T_TMP/elf.png"
bad "ELF declared as PNG" 422 content_mismatch "$PAT" image/png "x.png" "$T_TMP/bare.elf"
bad "PNG declared as PDF" 422 content_mismatch "$PAT" application/pdf "x.pdf" "$T_TMP/b.png"
bad "empty body" 422 validation "$PAT" application/pdf "x.pdf" "$T_TMP/empty"
bad "X-Filename with ../" 422 validation "$PAT" application/pdf "../../etc/passwd" "$T_TMP/a.pdf"
bad "X-Filename with a slash" 422 validation "$PAT" application/pdf "a/b.pdf" "$T_TMP/a.pdf"
bad "X-Filename .." 422 validation "$PAT" application/pdf ".." "$T_TMP/a.pdf"
bad "X-Filename with a control character" 422 validation "$PAT" application/pdf $'a\x01b.pdf' "$T_TMP/a.pdf"
bad "X-Filename with a tab" 422 validation "$PAT" application/pdf $'a\tb.pdf' "$T_TMP/a.pdf"
bad "X-Filename with a right-to-left override" 422 validation "$PAT" application/pdf $'x\xe2\x80\xaefdp.exe' "$T_TMP/a.pdf"
bad "X-Filename not UTF-8" 422 validation "$PAT" application/pdf $'x\xff.pdf' "$T_TMP/a.pdf"
bad "X-Filename of 256 bytes" 422 validation "$PAT" application/pdf "$(printf 'n%.0s' {1..252}).pdf" "$T_TMP/a.pdf"
is "$(jq -r '.errors[0].field' <<<"$BODY")" X-Filename "the error names X-Filename"
before=$(counts); s0=$(att_state)
api_raw POST /api/v1/attachments -H "Authorization: Bearer $PAT" -H 'Content-Type: application/pdf' --data-binary "@$T_TMP/a.pdf"
is "$STATUS:$(jq -r '.errors[0].field' <<<"$BODY")" "422:X-Filename" "no X-Filename: 422 naming it"
is "$(att_state):$(delta "$before" "$(counts)")" "$s0:none" "no X-Filename: nothing written"
make_pdf "$T_TMP/15m.pdf" $((15 * 1024 * 1024))
bad "a 15 MiB upload (nginx)" 413 - "$PAT" application/pdf "big.pdf" "$T_TMP/15m.pdf"
make_pdf "$T_TMP/10m1.pdf" $((10 * 1024 * 1024 + 1))
bad "10 MiB + 1 byte (the worker's limit)" 413 body_too_large "$PAT" application/pdf "big.pdf" "$T_TMP/10m1.pdf"
cut_png=$T_TMP/cut.png
head -c 40 "$T_TMP/b.png" >"$cut_png"
bad "a truncated PNG" 422 content_mismatch "$PAT" image/png "cut.png" "$cut_png"
d0=$(sql "SELECT COUNT(*) FROM audit_log WHERE outcome='denied'")
for who in admin auditor; do
	s0=$(att_state)
	att_upload "${TOK[$who]}" application/pdf "a.pdf" "$T_TMP/a.pdf"
	is "$STATUS" 403 "$who may not upload"
	is "$(att_state)" "$s0" "$who: nothing stored"
done
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE outcome='denied'")" $((d0 + 2)) "each refusal audited once"
bad "no token" 401 unauthorized "" application/pdf "a.pdf" "$T_TMP/a.pdf"

# --- the disk fills up mid-upload: 507, nothing left ---
# The worker as plain CGI, with attachments.dir on a 1 MiB tmpfs in a
# mount namespace of its own (ENOSPC), and with a 1 MiB file-size limit
# (EFBIG): both are the "cannot write" path of a full disk.
need_build
MSG_BIN=$BUILD/cgi-bin/messaging/concierge-messaging
make_pdf "$T_TMP/3m.pdf" $((3 * 1024 * 1024)) "$MARK"
cgi_upload() { # CONFIG: run the CGI upload of 3m.pdf, output in cgi.out
	env -i PATH="$PATH" REQUEST_METHOD=POST DOCUMENT_URI=/api/v1/attachments \
		GATEWAY_INTERFACE=CGI/1.1 CONTENT_TYPE=application/pdf CONTENT_LENGTH=$(stat -c %s "$T_TMP/3m.pdf") \
		HTTP_AUTHORIZATION="Bearer $PAT" HTTP_X_FILENAME=full.pdf REMOTE_ADDR=127.0.0.1 \
		"$MSG_BIN" --config "$1" <"$T_TMP/3m.pdf" >"$T_TMP/cgi.out" 2>"$T_TMP/cgi.log"
}
mkdir -p "$T_TMP/small"
sed "s|^attachments.dir = .*|attachments.dir = $T_TMP/small|" "$CONF" >"$T_TMP/small.conf"
before=$(counts)
(ulimit -f 1024; cgi_upload "$T_TMP/small.conf")
fcgi_parse "$T_TMP/cgi.out"
is "$STATUS:$(jq -r .code <<<"$BODY")" "507:insufficient_storage" "file-size limit mid-upload: 507"
is "$(find "$T_TMP/small" -type f | wc -l)" 0 "file-size limit: no file, no partial file"
is "$(delta "$before" "$(counts)")" none "file-size limit: nothing written"
if unshare -m true 2>/dev/null; then
	before=$(counts)
	export -f cgi_upload
	export T_TMP PAT MSG_BIN
	left=$(unshare -m bash -c 'mount -t tmpfs -o size=1m tmpfs "$T_TMP/small" || exit 9
		cgi_upload "$T_TMP/small.conf"; find "$T_TMP/small" -type f | wc -l')
	rc=$?
	if ((rc == 9)); then
		diag "tmpfs cannot be mounted here: the file-size limit above stands for a full disk"
	else
		fcgi_parse "$T_TMP/cgi.out"
		is "$STATUS:$(jq -r .code <<<"$BODY")" "507:insufficient_storage" "full tmpfs (ENOSPC): 507"
		is "$left" 0 "full tmpfs: no file, no partial file"
		is "$(delta "$before" "$(counts)")" none "full tmpfs: nothing written"
	fi
fi

# --- a client that goes away mid-upload: nothing left ---
before=$(counts)
env -i PATH="$PATH" REQUEST_METHOD=POST DOCUMENT_URI=/api/v1/attachments GATEWAY_INTERFACE=CGI/1.1 \
	CONTENT_TYPE=application/pdf CONTENT_LENGTH=$((4 * 1024 * 1024)) HTTP_AUTHORIZATION="Bearer $PAT" \
	HTTP_X_FILENAME=cut.pdf REMOTE_ADDR=127.0.0.1 "$MSG_BIN" --config "$T_TMP/small.conf" \
	<"$T_TMP/3m.pdf" >"$T_TMP/cgi.out" 2>"$T_TMP/cgi.log"
fcgi_parse "$T_TMP/cgi.out"
is "$STATUS" 400 "a body shorter than Content-Length: 400"
is "$(find "$T_TMP/small" -type f | wc -l):$(delta "$before" "$(counts)")" "0:none" "cut-off upload: no file, nothing written"

# --- 10 MiB: through and back, the worker's memory stays flat ---
hwm() { # the largest peak RSS (KiB) among the messaging worker's children
	local parent f st max=0 v
	local -a fields
	parent=$(<"$ROOT/var/run/messaging.pid")
	for f in /proc/[0-9]*/stat; do
		st=$(<"$f") 2>/dev/null || continue
		read -ra fields <<<"${st##*) }"
		[[ ${fields[1]} == "$parent" ]] || continue
		v=$(awk '/^VmHWM:/ { print $2 }' "${f%/stat}/status" 2>/dev/null)
		((${v:-0} > max)) && max=$v
	done
	printf '%s' "$max"
}
make_pdf "$T_TMP/10m.pdf" $((10 * 1024 * 1024)) "$MARK"
h0=$(hwm)
for i in 1 2 3; do
	att_upload "$PAT" application/pdf "ten-$i.pdf" "$T_TMP/10m.pdf"
	[[ $STATUS == 201 ]] || break
	BIG=$(jq -r .id <<<"$BODY")
	att_get "$PAT" "/api/v1/attachments/$BIG" "$T_TMP/10m.out"
done
is "$STATUS" 200 "10 MiB uploaded and downloaded three times"
cmp -s "$T_TMP/10m.pdf" "$T_TMP/10m.out"
ok $? "10 MiB: the same bytes come back"
h1=$(hwm)
diag "messaging children peak RSS: ${h0} KiB before, ${h1} KiB after 3 x 10 MiB up and down"
ok "$(( (h1 - h0) < 4096 ? 0 : 1 ))" "worker memory stays flat (peak grew $(( (h1 - h0) )) KiB, under 4 MiB)"
is "$(att_leaks "$MARK")" "" "no plaintext on disk after the 10 MiB files"

done_testing
