# tests/e2e/attachments-lib.sh: helpers for the attachment and messaging
# tests, sourced after lib.sh. Files: make_pdf, make_png, make_jpeg,
# make_elf_png. Uploads: att_upload. The store: ATT_DIR, att_files,
# att_tmp, att_rows, att_state (all three on one line), att_leaks MARK.

ATT_DIR=$(conf_get attachments.dir)
[[ -n $ATT_DIR && -d $ATT_DIR ]] || bail "attachments.dir ($ATT_DIR) is not a folder"

# make_pdf FILE BYTES [MARK]: a well-formed PDF of exactly BYTES bytes (at
# least 64) whose filler repeats MARK, so plaintext is easy to look for.
make_pdf() {
	"$PYTHON" - "$1" "$2" "${3:-PDF-FILLER}" <<'PY'
import sys
path, size, mark = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
head = b"%PDF-1.4\n% " + mark + b"\n"
tail = b"\ntrailer <<>>\n%%EOF\n"
fill = size - len(head) - len(tail)
assert fill >= 0, "too small"
body = (mark + b" ") * (fill // (len(mark) + 1) + 1)
with open(path, "wb") as f:
    f.write(head + body[:fill] + tail)
PY
}

# make_png FILE [MARK]: a real 1x1 PNG carrying MARK in a tEXt chunk.
make_png() {
	"$PYTHON" - "$1" "${2:-PNG-FILLER}" <<'PY'
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
mark = sys.argv[2].encode()
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)) +
       chunk(b"tEXt", b"Comment\0" + mark) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0\0")) +
       chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
PY
}

# make_jpeg FILE [MARK]: SOI, a JFIF APP0, a comment with MARK, EOI.
make_jpeg() {
	"$PYTHON" - "$1" "${2:-JPEG-FILLER}" <<'PY'
import struct, sys
mark = sys.argv[2].encode()
app0 = b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
data = (b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 +
        b"\xff\xfe" + struct.pack(">H", len(mark) + 2) + mark + b"\xff\xd9")
open(sys.argv[1], "wb").write(data)
PY
}

# make_elf_png FILE: the 8-byte PNG signature, then an ELF executable.
make_elf_png() {
	"$PYTHON" - "$1" <<'PY'
import sys
elf = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x90" * 4000
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + elf)
PY
}

# att_upload TOKEN CONTENT_TYPE FILENAME FILE [curl args...]: POST the file.
att_upload() {
	local tok=$1 type=$2 name=$3 file=$4
	shift 4
	local -a auth=()
	[[ -n $tok ]] && auth=(-H "Authorization: Bearer $tok")
	api_raw POST /api/v1/attachments "${auth[@]}" -H "Content-Type: $type" \
		-H "X-Filename: $name" --data-binary "@$file" "$@"
}

# Stored files (not counting uploads in progress), temporary files, rows.
att_files() { find "$ATT_DIR" -mindepth 2 -type f -not -path "$ATT_DIR/tmp/*" | wc -l; }
att_tmp() { find "$ATT_DIR/tmp" -type f 2>/dev/null | wc -l; }
att_rows() { sql "SELECT COUNT(*) FROM attachments"; }
att_state() { printf 'files=%s tmp=%s rows=%s' "$(att_files)" "$(att_tmp)" "$(att_rows)"; }

# att_leaks MARK: the stored files (and nginx's temporary folders) that
# contain MARK in clear; nothing printed means none.
att_leaks() {
	grep -rlaF -- "$1" "$ATT_DIR" "$ROOT/var/nginx/client_body_temp" \
		"$ROOT/var/nginx/fastcgi_temp" 2>/dev/null
}

# att_path NAME: where the file of storage name NAME lives.
att_path() { printf '%s/%s/%s' "$ATT_DIR" "${1:0:2}" "$1"; }

# att_get TOKEN PATH OUT: download PATH into the file OUT; sets STATUS and
# HEADERS (BODY is left empty: files are binary).
att_get() {
	STATUS=$(curl -sS -D "$T_TMP/att.h" -o "$3" -w '%{http_code}' --max-time 60 \
		-H "Authorization: Bearer $1" "$BASE$2" 2>"$T_TMP/curl.err")
	[[ -n $STATUS ]] || STATUS=000
	HEADERS=$(tr -d '\r' <"$T_TMP/att.h")
	BODY=
}
