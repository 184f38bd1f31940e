# tests/e2e/mfa-lib.sh: TOTP helpers for the tests that turn MFA on, sourced
# after lib.sh (it needs PYTHON).

# step_now: the current 30-second TOTP step.
step_now() { "$PYTHON" -c 'import time; print(int(time.time()) // 30)'; }

# totp SECRET STEP: the RFC 6238 code of STEP for a base32 SECRET.
totp() {
	"$PYTHON" - "$1" "$2" <<'PY'
import base64, hashlib, hmac, struct, sys
s = sys.argv[1].upper()
key = base64.b32decode(s + '=' * (-len(s) % 8))
mac = hmac.new(key, struct.pack('>Q', int(sys.argv[2])), hashlib.sha1).digest()
o = mac[-1] & 15
print('%06d' % ((struct.unpack('>I', mac[o:o + 4])[0] & 0x7fffffff) % 1000000))
PY
}
