#!/usr/bin/env bash
# e2e-browser-docs: the API reference page at /docs/ (docs/REFERENCE.md),
# built by scripts/dev from docs/openapi.yaml: nothing in it comes from a
# CDN, and in headless Chromium it loads without a console error, without
# a request leaving 127.0.0.1, and shows every tag and every operation of
# the document. The screenshot is var/browser/docs.png. First the checker
# is checked: a page asking the outside for a font is caught.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/browser-lib.sh"

PAGE=$ROOT/var/docs/index.html
[[ -s $PAGE && -s $ROOT/var/docs/openapi.json ]] || bail "var/docs/ is not built (scripts/dev up builds it)"

# ---- the file: no script, style sheet, font or image from elsewhere ----
like "$(wc -c <"$PAGE")" '^[0-9]{6,}$' "the page holds Redoc itself (inlined)"
is "$(grep -Eoi '<(script|link|img|iframe)[^>]*(src|href)="(https?:)?//[^"]*' "$PAGE" | head -n 3)" "" \
	"no script, link, image or frame tag names another host"
is "$(grep -Eoi 'fonts\.(googleapis|gstatic)\.com|@import url\((https?:)?//' "$PAGE" | head -n 3)" "" \
	"no Google Fonts, no imported style sheet"
is "$(grep -Eo 'https://cdn\.redoc\.ly/[^`"]*' "$PAGE" | head -n 3)" "" \
	"Redocly's logo images are the local copy (docs-logo.svg)"
is "$(jq -r .openapi "$ROOT/var/docs/openapi.json")" "$(awk '/^openapi:/ { gsub(/["'"'"']/, "", $2); print $2; exit }' "$ROOT/docs/openapi.yaml")" \
	"openapi.json is docs/openapi.yaml"

# ---- served by nginx ----
api_raw GET /docs/
is "$STATUS $(header Content-Type)" "200 text/html" "GET /docs/ serves the page"
is "$(cmp -s "$RESP_BODY_FILE" "$PAGE" && echo same)" same "the page served is var/docs/index.html"
api_raw GET /docs
is "$STATUS $(header Location)" "301 http://127.0.0.1:${BASE##*:}/docs/" "/docs redirects to /docs/"
api_raw GET /docs/openapi.json
is "$STATUS $(header Content-Type) $(jq -r '.info.title' <<<"$BODY")" \
	"200 application/json $(jq -r .info.title "$ROOT/var/docs/openapi.json")" "the document as JSON beside it"

# ---- the checker catches a request to the outside and its error ----
browser check-cors.mjs "http://127.0.0.1:$ORIGIN_A/external.html" "$BROWSER_DIR/external.png"
is "$BROWSER_RC $(jq -r .result <<<"$OUT")" "0 loaded" "the page with a web font loads"
like "$(jq -r '.outside[].url' <<<"$OUT")" '^https://fonts\.googleapis\.com/' "its request to fonts.googleapis.com is reported"
like "$(jq -r '.outside[0].failed' <<<"$OUT")" 'ERR_NAME_NOT_RESOLVED' "and it never left the machine (no name resolves)"
like "$(jq -r '.errors[]' <<<"$OUT")" 'fonts\.googleapis\.com' "its failure is a console error the check sees"

# ---- the reference page in Chromium ----
SHOT=$BROWSER_DIR/docs.png
rm -f "$SHOT"
browser check-docs.mjs "$BASE/docs/" "$ROOT/var/docs/openapi.json" "$SHOT"
diag "screenshot: $SHOT"
is "$BROWSER_RC" 0 "Chromium loaded /docs/ and Redoc rendered it"
is "$(jq -r .title <<<"$OUT")" "Concierge API reference" "the page's title"
is "$(jq -c .errors <<<"$OUT")" "[]" "no console error, no failed load, no exception"
is "$(jq -c '[.outside[].url]' <<<"$OUT")" "[]" "no request left 127.0.0.1"
ops=$(jq '[.paths[] | to_entries[] | select(.key | test("^(get|put|post|delete|patch)$"))] | length' "$ROOT/var/docs/openapi.json")
is "$(jq -r .ops <<<"$OUT")" "$ops" "every operation of the document was looked for ($ops)"
is "$(jq -c .missingOps <<<"$OUT")" "[]" "the page shows every operation"
tags=$(jq '[(.tags // [])[].name, (.paths[][] | objects | (.tags // [])[])] | unique | length' "$ROOT/var/docs/openapi.json")
is "$(jq -r .tags <<<"$OUT")" "$tags" "every tag of the document was looked for ($tags)"
is "$(jq -c .missingTags <<<"$OUT")" "[]" "the page shows every tag"
ok "$([[ -s $SHOT ]] && [[ $(head -c 8 "$SHOT" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]; echo $?)" "a PNG screenshot at ${SHOT#"$ROOT"/}"

done_testing
