#!/usr/bin/env bash
# e2e-audit-keys: the seal's Ed25519 keys. concierge-audit keygen writes a
# key pair openssl reads; the sealer refuses a signing key the verifiers'
# key file does not list, a private key others may read, and a verify key
# file that holds a private key; rotation: checkpoints name their key, old
# public keys keep verifying old checkpoints, a verifier without the old key
# or with the keys out of order fails at the first checkpoint it cannot
# vouch for, and the sealer never signs with a key older than the newest
# checkpoint's. The chain is put back as it was at the end.
. "${srcdir:-.}/tests/e2e/lib.sh"
need_build
. "$SRCDIR/tests/e2e/audit-seal-lib.sh"

seal_account concierge_seal_e2e4
KID1=$(key_id_of "$VERIFY_KEY")

# --- keygen ---
K2=$T_TMP/k2
OUT=$("$CLI" keygen "$K2.key" "$K2.pub" 2>&1)
is "$?" 0 "keygen writes a key pair"
KID2=$(key_id_of "$K2.pub")
like "$OUT" "^key $KID2: " "and prints its key id, the one openssl derives from the public key"
is "$(stat -c %a "$K2.key") $(stat -c %a "$K2.pub")" "600 644" "the private key is 0600, the public 0644"
is "$(key_id_of "$K2.key")" "$KID2" "openssl reads the private key as the pair of the public one"
"$CLI" keygen "$K2.key" "$T_TMP/other.pub" >/dev/null 2>&1
is "$? $(test -e "$T_TMP/other.pub" && echo kept || echo none)" "3 none" "keygen never overwrites a key"
"$CLI" keygen "$K2.key" 2>/dev/null
is "$?" 2 "keygen needs both file names"

# conf_with FILE KEY=VALUE...: the sealer's config with those keys replaced.
conf_with() {
	local out=$1 kv keys=()
	shift
	for kv; do keys+=("${kv%%=*}"); done
	local re
	re=$(IFS='|'; printf '%s' "${keys[*]//./\\.}")
	{ grep -Ev "^[[:space:]]*($re)[[:space:]]*=" "$SCONF"
	  for kv; do printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"; done; } >"$out"
}

# --- the sealer checks its keys before it writes anything ---
touch_row
n=$(entries)
conf_with "$T_TMP/s-unlisted.conf" "audit.signing_key_file=$K2.key"
OUT=$("$CLI" --config "$T_TMP/s-unlisted.conf" seal --gap-timeout 1s 2>&1)
is "$? $(entries)" "3 $n" "a signing key the verify key file does not list is refused"
like "$OUT" "does not list the signing key $KID2" "naming the key"
cp "$SIGNING_KEY" "$T_TMP/open.key"
chmod 0644 "$T_TMP/open.key"
conf_with "$T_TMP/s-open.conf" "audit.signing_key_file=$T_TMP/open.key"
OUT=$("$CLI" --config "$T_TMP/s-open.conf" seal --gap-timeout 1s 2>&1)
is "$? $(entries)" "3 $n" "a signing key others may read is refused"
like "$OUT" 'may be read or written by others' "saying so"
cat "$VERIFY_KEY" "$SIGNING_KEY" >"$T_TMP/mixed.pem"
conf_with "$T_TMP/v-mixed.conf" "audit.verify_key_file=$T_TMP/mixed.pem"
OUT=$("$CLI" --config "$T_TMP/v-mixed.conf" verify 2>&1)
is "$?" 3 "a verify key file holding a private key is refused"
like "$OUT" 'holds a private key' "because verifiers get public keys only"

# --- rotation ---
seal --gap-timeout 1s
snapshot
CP_OLD=$(sql "SELECT MAX(id) FROM audit_seal_checkpoint")
OLD_END=$(sealed_through)
cat "$VERIFY_KEY" "$K2.pub" >"$T_TMP/ring12.pem"
cat "$K2.pub" "$VERIFY_KEY" >"$T_TMP/ring21.pem"
conf_with "$T_TMP/s2.conf" "audit.signing_key_file=$K2.key" "audit.verify_key_file=$T_TMP/ring12.pem"
conf_with "$T_TMP/v12.conf" "audit.verify_key_file=$T_TMP/ring12.pem"
conf_with "$T_TMP/v21.conf" "audit.verify_key_file=$T_TMP/ring21.pem"
touch_row
OUT=$("$CLI" --config "$T_TMP/s2.conf" seal --gap-timeout 1s 2>&1)
is "$?" 0 "the sealer signs with the new key"
CP_NEW=$(sql "SELECT MAX(id) FROM audit_seal_checkpoint")
is "$(sql "SELECT GROUP_CONCAT(DISTINCT key_id ORDER BY id) FROM audit_seal_checkpoint WHERE id > $CP_OLD")" "$KID2" \
	"checkpoints after the rotation name the new key"
is "$(sql "SELECT key_id FROM audit_seal_checkpoint WHERE id = $CP_OLD")" "$KID1" "those before it, the old one"
V=$("$CLI" --config "$T_TMP/v12.conf" verify 2>/dev/null)
is "$? $(jq -c '[.ok, .head.key_id]' <<<"$V")" "0 [true,\"$KID2\"]" \
	"a verifier with both public keys, oldest first, vouches for the whole chain"
V=$("$CLI" --config "$VCONF" verify 2>/dev/null)
is "$? $(jq -c '[.ok, .first_bad_id, .sealed_through]' <<<"$V")" "1 [false,$((OLD_END + 1)),$OLD_END]" \
	"a verifier without the new key stops at the first checkpoint it signed"
like "$(jq -r .problem <<<"$V")" "signed by key $KID2, which audit.verify_key_file does not list" "saying so"
conf_with "$T_TMP/v2.conf" "audit.verify_key_file=$K2.pub"
V=$("$CLI" --config "$T_TMP/v2.conf" verify 2>/dev/null)
is "$? $(jq -c '[.ok, .first_bad_id]' <<<"$V")" "1 [false,1]" \
	"a verifier that dropped the old key cannot vouch for the old checkpoints"
V=$("$CLI" --config "$T_TMP/v21.conf" verify 2>/dev/null)
is "$? $(jq -c '[.ok, .first_bad_id]' <<<"$V")" "1 [false,$((OLD_END + 1))]" "keys listed newest first are refused"
like "$(jq -r .problem <<<"$V")" 'a retired key; the ring lists keys oldest first' "with a hint"
# Back to the old key: the sealer refuses to go back.
conf_with "$T_TMP/s1.conf" "audit.verify_key_file=$T_TMP/ring12.pem"
touch_row
n=$(entries)
OUT=$("$CLI" --config "$T_TMP/s1.conf" seal --gap-timeout 1s 2>&1)
is "$? $(entries)" "3 $n" "the sealer will not sign with a key older than the newest checkpoint's"
like "$OUT" "older than key $KID2" "keys rotate forward only"
# A leaked old key signing after the rotation: a retired key.
NEW_END=$(sealed_through)
unfenced "INSERT INTO audit_seal (audit_id, last_id, kind, hash) VALUES ($NEW_END + 1, $NEW_END + 1, 'skip', REPEAT(X'00', 32))" >/dev/null
rehash_from $((NEW_END + 1)) >/dev/null
unfenced "INSERT INTO audit_seal_checkpoint (id, prev_hash, key_id, first_id, last_id, head_hash,
	rows_sealed, ids_skipped, sealed_at, signature) VALUES ($CP_NEW + 1, $(cp_digest_sql "$CP_NEW"), '',
	$NEW_END + 1, $NEW_END + 1, (SELECT hash FROM audit_seal WHERE audit_id = $NEW_END + 1), 0, 1,
	UTC_TIMESTAMP(6), REPEAT(X'00', 64))" >/dev/null
forge_sign $((CP_NEW + 1)) "$SIGNING_KEY"
V=$("$CLI" --config "$T_TMP/v12.conf" verify 2>/dev/null)
is "$? $(jq -c '[.ok, .first_bad_id]' <<<"$V")" "1 [false,$((NEW_END + 1))]" \
	"a checkpoint signed with the old key after the new one is refused"
like "$(jq -r .problem <<<"$V")" "signed by key $KID1, listed before the key of checkpoint $CP_NEW" \
	"as signed with a retired key"

# Put the chain back as the dev key left it (the dev stack verifies with it).
repair
sound "the chain is sound with the dev key again"

done_testing
