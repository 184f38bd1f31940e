// tests/node/events/bench-sse.mjs: the subscribers of bench/bench-events.sh.
// Opens one SSE stream per token (TOKENS: one "user token" a line) to
// GET /api/v1/events through nginx, at most --ramp connection attempts in
// flight, and records when each event arrives. A plain HTTP client
// (node:http) parsing the event stream itself, so that thousands of
// streams fit one process; the e2e tests use the npm eventsource package.
//
// usage: node bench-sse.mjs BASE_URL TOKENS OUT [--ramp 200]
// stdout: "open N" while connecting, "ready N" when all are open, then
//         "count N" every second. On SIGTERM: writes OUT, one line per
//         event received, "<event id> <user> <receive time, usec since the
//         epoch>", prints "done N dup D" and exits.
import fs from 'node:fs';
import http from 'node:http';

const [base, tokensFile, outFile, ...rest] = process.argv.slice(2);
const opt = { ramp: 200 };
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = Number(rest[i + 1]);
const pairs = fs.readFileSync(tokensFile, 'utf8').trim().split('\n').map((l) => l.split(' '));
const url = new URL('/api/v1/events', base);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const got = [];		// [id, user, usec]
const seenIds = new Set();
let open = 0;
let dups = 0;
let failed = 0;
const statuses = {};	// of the failed attempts
const nowUsec = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

function subscribe([user, token]) {
  return new Promise((resolve) => {
    const req = http.get(url, {
      agent,
      headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` },
    }, (res) => {
      if (res.statusCode !== 200) {
        failed++;
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
        res.resume();
        resolve();
        return;
      }
      open++;
      resolve();
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buf += chunk;
        let end;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, end);
          buf = buf.slice(end + 2);
          // nchan's "id:" comes first; the event's own id field is the last one.
          let id = null;
          for (const line of frame.split(/\r\n|\r|\n/)) if (line.startsWith('id: ')) id = line.slice(4);
          if (id === null || !/^[0-9]+$/.test(id)) continue;
          if (seenIds.has(id)) dups++;
          else seenIds.add(id);
          got.push([id, user, nowUsec()]);
        }
      });
      res.on('close', () => { open--; });
    });
    req.on('error', (err) => {
      failed++;
      statuses[err.code] = (statuses[err.code] || 0) + 1;
      resolve();
    });
  });
}

async function main() {
  let next = 0;
  const workers = [];
  const lane = async () => {
    while (next < pairs.length) await subscribe(pairs[next++]);
  };
  const ticker = setInterval(() => console.log(`open ${open}`), 1000);
  for (let i = 0; i < opt.ramp; i++) workers.push(lane());
  await Promise.all(workers);
  clearInterval(ticker);
  console.log(`ready ${open} failed ${failed} ${JSON.stringify(statuses)}`);
  setInterval(() => console.log(`count ${got.length}`), 1000);
}

process.on('SIGTERM', () => {
  fs.writeFileSync(outFile, got.map((g) => g.join(' ')).join('\n') + (got.length ? '\n' : ''));
  console.log(`done ${got.length} dup ${dups}`);
  process.exit(0);
});
main();
