// verify.mjs: check a join token with the official LiveKit server SDK.
//   LIVEKIT_API_KEY=... LIVEKIT_API_SECRET=... node verify.mjs TOKEN
// Prints the verified claims as JSON and exits 0, or prints the SDK's
// error and exits 1 (bad signature, wrong issuer, expired, no exp...).
import { TokenVerifier } from "livekit-server-sdk";

const [token] = process.argv.slice(2);
const key = process.env.LIVEKIT_API_KEY;
const secret = process.env.LIVEKIT_API_SECRET;
if (!token || !key || !secret) {
  console.error("usage: LIVEKIT_API_KEY=... LIVEKIT_API_SECRET=... node verify.mjs TOKEN");
  process.exit(2);
}
try {
  const claims = await new TokenVerifier(key, secret).verify(token);
  console.log(JSON.stringify(claims));
} catch (e) {
  console.error(`rejected: ${e.code ?? ""} ${e.message}`);
  process.exit(1);
}
