#!/usr/bin/env bash
# e2e-audit-tamper: what an intruder with database root but without the
# sealer's private key can do to the sealed audit trail, each caught by
# `concierge-audit verify` (with the public key only) and by
# GET /api/v1/audit/verify at the exact first bad id: an edited row (also
# with the SHA-256 chain recomputed over it), a deleted row, a row inserted
# at an id sealed as never committed, two rows swapped, a row entry
# stretched over later ids with a checkpoint to match (issue 8), forged
# checkpoints, deleted entries and checkpoints; and the newest rows deleted
# together with their entries and checkpoints, caught by --expect-head. The
# sealer refuses to seal on over an altered seal. Every tamper is undone.
. "${srcdir:-.}/tests/e2e/lib.sh"
need_build
. "$SRCDIR/tests/e2e/audit-seal-lib.sh"

seal_account concierge_seal_e2e3

# --- a sealed history to tamper with: a skip, then two checkpoints of rows ---
touch_row
K=$(sql "$ROLLBACK_SQL")
touch_row
seal --gap-timeout 1s
is "$SRC $(sql "SELECT kind FROM audit_seal WHERE audit_id = $K")" "0 skip" "id $K is sealed as never committed"
for _ in 1 2 3; do touch_row; done
seal --gap-timeout 1s
CP_X=$(sql "SELECT MAX(id) FROM audit_seal_checkpoint")
for _ in 1 2 3 4; do touch_row; done
seal --gap-timeout 1s
CP_Y=$(sql "SELECT MAX(id) FROM audit_seal_checkpoint")
read -r Y_FIRST END < <(sql "SELECT first_id, last_id FROM audit_seal_checkpoint WHERE id = $CP_Y")
X_FIRST=$(sql "SELECT first_id FROM audit_seal_checkpoint WHERE id = $CP_X")
is "$END" "$(sealed_through)" "the newest checkpoint ends at the chain's tip"
mapfile -t Y_ROWS < <(sql "SELECT id FROM audit_log WHERE id BETWEEN $Y_FIRST AND $END ORDER BY id")
ok "$((${#Y_ROWS[@]} >= 4 ? 0 : 1))" "checkpoint $CP_Y covers ${#Y_ROWS[@]} rows ($Y_FIRST..$END)"
A=${Y_ROWS[0]} E=${Y_ROWS[1]} B=${Y_ROWS[-1]}
sound "the chain is sound before any tampering"
snapshot
HEAD=$("$CLI" --config "$VCONF" head)
HEAD=${HEAD%% *}
is "${HEAD%%:*}" "$END" "the head an operator keeps is at id $END"

# --- an edited row ---
unfenced "UPDATE audit_log SET summary = 'nothing to see' WHERE id = $E" >/dev/null
found "$E" 'row does not match its seal' "an edited row"
# root recomputes the whole SHA-256 chain over it: the stored hashes agree,
# only the signed head of its checkpoint does not.
rehash_from "$E"
found "$Y_FIRST" "ids $Y_FIRST\\.\\.$END do not lead to the signed head of checkpoint $CP_Y" \
	"an edited row with the chain recomputed (reported from its checkpoint's first id)"
is "$(jq .sealed_through <<<"$V")" "$((Y_FIRST - 1))" "the signatures still vouch for everything before it"
repair
sound "sound again once the row and the hashes are put back"

# --- a deleted row ---
unfenced "DELETE FROM audit_log WHERE id = $E" >/dev/null
found "$E" 'sealed row is missing' "a deleted row"
repair

# --- two rows swapped ---
unfenced "UPDATE audit_log x JOIN e2e_audit_saved y ON y.id = $A + $B - x.id SET $SETS WHERE x.id IN ($A, $B)" >/dev/null
is "$(sql "SELECT request_id FROM audit_log WHERE id = $A")" \
	"$(sql "SELECT request_id FROM e2e_audit_saved WHERE id = $B")" "rows $A and $B swapped contents"
found "$A" 'row does not match its seal' "two rows swapped (reported at the lower id)"
repair

# --- a row inserted at an id sealed as never committed ---
sql "INSERT INTO audit_log (id, at, action, entity_type, outcome, summary)
	VALUES ($K, UTC_TIMESTAMP(6), 'login', 'session', 'success', 'login succeeded')"
found "$K" 'row present at an id sealed as never committed' "a row inserted at a skipped id"
repair
sound "sound once the inserted row is gone"

# --- issue 8: the newest row entry stretched, its checkpoint to match ---
T=$END
unfenced "UPDATE audit_seal SET last_id = $T + 1000 WHERE audit_id = $T;
	UPDATE audit_seal_checkpoint SET last_id = $T + 1000 WHERE id = $CP_Y" >/dev/null
is "$(sql "SELECT CONCAT(s.last_id, ' ', c.last_id) FROM audit_seal s, audit_seal_checkpoint c
	WHERE s.audit_id = $T AND c.id = $CP_Y")" "$((T + 1000)) $((T + 1000))" \
	"entry $T and checkpoint $CP_Y now claim ids up to $((T + 1000))"
touch_row
touch_row
LATER=$(sql "SELECT GROUP_CONCAT(id) FROM audit_log WHERE id > $T")
n=$(entries)
seal --gap-timeout 1s
is "$SRC" 3 "the sealer refuses to seal on over the stretched entry"
like "$OUT" 'altered' "saying the seal tables were altered"
is "$(entries)" "$n" "and seals nothing"
found "$T" "row entry covers ids $T\\.\\.$((T + 1000)); a row entry covers its own id only" \
	"a stretched row entry with a checkpoint to match"
unfenced "DELETE FROM audit_log WHERE id IN ($LATER)" >/dev/null
found "$T" 'a row entry covers its own id only' "still, after the later rows are deleted"
repair
sound "sound once the entry and the checkpoint are put back"

# --- forged checkpoints ---
unfenced "UPDATE audit_seal_checkpoint SET sealed_at = sealed_at - INTERVAL 1 DAY WHERE id = $CP_Y" >/dev/null
found "$Y_FIRST" "checkpoint $CP_Y: the signature does not verify" "a backdated checkpoint"
repair
unfenced "UPDATE audit_seal_checkpoint SET sealed_at = sealed_at - INTERVAL 1 DAY WHERE id = $CP_X" >/dev/null
found "$X_FIRST" "checkpoint $CP_X: the signature does not verify" \
	"a backdated checkpoint in the middle (caught by the link from the next one)"
repair
# A skip over two more ids with the right SHA-256 and a checkpoint that is
# right in every field but the signature.
N1=$((END + 1))
N2=$((END + 2))
unfenced "INSERT INTO audit_seal (audit_id, last_id, kind, hash) VALUES ($N1, $N2, 'skip', REPEAT(X'00', 32))" >/dev/null
rehash_from "$N1" >/dev/null
unfenced "INSERT INTO audit_seal_checkpoint (id, prev_hash, key_id, first_id, last_id, head_hash,
	rows_sealed, ids_skipped, sealed_at, signature) SELECT $CP_Y + 1, $(cp_digest_sql "$CP_Y"), key_id,
	$N1, $N2, (SELECT hash FROM audit_seal WHERE audit_id = $N1), 0, 2, UTC_TIMESTAMP(6), signature
	FROM audit_seal_checkpoint WHERE id = $CP_Y" >/dev/null
found "$N1" "checkpoint $((CP_Y + 1)): the signature does not verify" "an appended checkpoint with a copied signature"
openssl genpkey -algorithm ed25519 -out "$T_TMP/intruder.pem" 2>/dev/null || bail "openssl genpkey"
forge_sign $((CP_Y + 1)) "$T_TMP/intruder.pem"
found "$N1" "signed by key $(key_id_of "$T_TMP/intruder.pem"), which audit.verify_key_file does not list" \
	"the same checkpoint signed by the intruder's own key"
n=$(entries)
seal --gap-timeout 1s
is "$SRC $(entries)" "3 $n" "the sealer refuses to seal on from a checkpoint it cannot verify"
repair

# --- deleted entries and checkpoints ---
unfenced "DELETE FROM audit_seal WHERE audit_id = $E" >/dev/null
found "$E" "no seal entry covers ids $E\\.\\.$E" "a deleted row entry"
repair
unfenced "DELETE FROM audit_seal_checkpoint WHERE id = $CP_X" >/dev/null
found "$X_FIRST" "checkpoint $((CP_X + 1)) follows checkpoint $((CP_X - 1)) \\(checkpoints deleted\\)" \
	"a deleted checkpoint (reported from its first id)"
repair
unfenced "DELETE FROM audit_seal_checkpoint WHERE id = $CP_Y" >/dev/null
found "$Y_FIRST" "ids $Y_FIRST\\.\\.$END are not covered by a signed checkpoint" "the newest checkpoint deleted"
seal --gap-timeout 1s
is "$SRC" 3 "the sealer refuses to seal on"
like "$OUT" 'altered' "over an altered seal"
repair
unfenced "DELETE FROM audit_seal WHERE audit_id = $END" >/dev/null
found "$END" "seal entries missing before checkpoint $CP_Y \\(tail truncated\\)" "the newest seal entry deleted"
seal --gap-timeout 1s
is "$SRC" 3 "the sealer refuses to seal on here too"
repair
sound "sound once every entry and checkpoint is back"

# --- the newest rows deleted with their entries and checkpoint ---
unfenced "DELETE FROM audit_log WHERE id BETWEEN $Y_FIRST AND $END;
	DELETE FROM audit_seal WHERE audit_id >= $Y_FIRST;
	DELETE FROM audit_seal_checkpoint WHERE id >= $CP_Y" >/dev/null
verify
is "$RC $(jq -c '[.ok, .sealed_through]' <<<"$V")" "0 [true,$((Y_FIRST - 1))]" \
	"a truncated tail passes verify on its own (nothing inside the database says it is gone)"
verify --expect-head "$HEAD"
is "$RC $(jq -c '[.ok, .first_bad_id]' <<<"$V")" "1 [false,$Y_FIRST]" \
	"--expect-head with the head kept earlier catches it at the first missing id"
like "$(jq -r .problem <<<"$V")" 'the chain ends before the expected head at id' "as a truncated tail"
repair
verify --expect-head "$HEAD"
is "$RC" 0 "and passes once everything is back"

done_testing
