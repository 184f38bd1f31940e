# tests/e2e/matrix.d/60-messaging.sh: authorization rows of the messaging
# worker (issue 10), sourced by e2e-auth-matrix.sh after its actors exist.
#
# Attachments: anyone but admins and auditors may upload (an empty JSON
# body shows the gate was passed: 415, not an upload); an unattached
# upload ({ATT}, patient1's) is its uploader's alone, 404 for everyone
# else.

ma_upload() { # TOKEN: upload a small PDF, print its id
	printf '%%PDF-1.4\nmatrix\n%%%%EOF\n' >"$T_TMP/matrix.pdf"
	curl -s -X POST "$BASE/api/v1/attachments" -H "Authorization: Bearer $1" \
		-H 'Content-Type: application/pdf' -H 'X-Filename: matrix.pdf' \
		--data-binary "@$T_TMP/matrix.pdf" | jq -r .id
}
SUB[ATT]=$(ma_upload "${TOKEN[pat]}")
[[ ${SUB[ATT]} =~ ^[a-z2-7]{26}$ ]] || bail "matrix.d/60-messaging: no upload for the rows"
PRESENT[attach]=1

MATRIX+=$'\n'$(cat <<'TABLE'
# attachments: upload (raw body; the JSON body here is refused after the gate) and download
attach   anon  POST   /api/v1/attachments                           401     -  {}
attach   pat   POST   /api/v1/attachments                           415     -  {}
attach   opat  POST   /api/v1/attachments                           415     -  {}
attach   prct  POST   /api/v1/attachments                           415     -  {}
attach   prnc  POST   /api/v1/attachments                           415     -  {}
attach   prun  POST   /api/v1/attachments                           403     d  {}
attach   staff POST   /api/v1/attachments                           415     -  {}
attach   admin POST   /api/v1/attachments                           403     d  {}
attach   aud   POST   /api/v1/attachments                           403     d  {}
attach   anon  GET    /api/v1/attachments/{ATT}                     401     -  -
attach   pat   GET    /api/v1/attachments/{ATT}                     200     -  -
attach   opat  GET    /api/v1/attachments/{ATT}                     404     d  -
attach   prct  GET    /api/v1/attachments/{ATT}                     404     d  -
attach   prnc  GET    /api/v1/attachments/{ATT}                     404     d  -
attach   prun  GET    /api/v1/attachments/{ATT}                     404     d  -
attach   staff GET    /api/v1/attachments/{ATT}                     404     d  -
attach   admin GET    /api/v1/attachments/{ATT}                     404     d  -
attach   aud   GET    /api/v1/attachments/{ATT}                     404     d  -
TABLE
)
