// tests/node/events/client.mjs: a real client of GET /api/v1/events for the
// e2e tests: SSE through the npm `eventsource` package, WebSocket through
// npm `ws`. One JSON object per line on stdout:
//   {"ev":"open"}
//   {"ev":"event","id":N,"type":"...","entity_type":"...","entity_id":"...",
//    "last_event_id":"N","at":"...","recv_ms":1764633600123.456}
//   {"ev":"error","status":401,"message":"..."}  {"ev":"close","code":1006}
//   {"ev":"disconnected"} (SSE: the stream ended, EventSource reconnects)
//   {"ev":"dropped"}  {"ev":"resumed","after":N}  {"ev":"catchup","n":K,"after":N}
//
// usage: node client.mjs sse|ws BASE_URL --token T [--after N]
//            [--count N] [--timeout SECONDS]
//   --count N      exit 0 after N events (else after --timeout, status 0)
//   --timeout S    give up after S seconds (default 60); status 3 if --count
//                  was not reached
// Signals: SIGUSR1 drops the connection as a network failure would, and no
// new connection is made until SIGUSR2. SSE then reconnects by itself
// (EventSource sends Last-Event-ID); WebSocket resumes as docs/EVENTS.md
// says: JSON ?after= pages until empty, then a new socket with ?after=.
import { EventSource } from 'eventsource';
import WebSocket from 'ws';

const [mode, base, ...rest] = process.argv.slice(2);
const opt = { timeout: 60 };
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];
if (!['sse', 'ws'].includes(mode) || !base || !opt.token) {
  console.error('usage: node client.mjs sse|ws BASE_URL --token T [--after N] [--count N] [--timeout S]');
  process.exit(2);
}
const want = opt.count ? Number(opt.count) : 0;
let seen = 0;
let last = opt.after !== undefined ? Number(opt.after) : null;
let held = null;          // a promise while SIGUSR1 holds new connections back
let release = null;
let drop = () => {};
let done = false;

const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const now = () => performance.timeOrigin + performance.now();
const auth = { Authorization: `Bearer ${opt.token}` };

function got(e, lastEventId) {
  last = e.id;
  seen++;
  out({ ev: 'event', ...e, last_event_id: lastEventId, recv_ms: now() });
  if (want && seen >= want) finish(0);
}

function finish(status) {
  done = true;
  drop();
  setTimeout(() => process.exit(status), 20);
}

process.on('SIGUSR1', () => {
  held = new Promise((r) => { release = r; });
  out({ ev: 'dropped' });
  drop();
});
process.on('SIGUSR2', () => {
  if (release) release();
  held = null;
});
setTimeout(() => {
  out({ ev: 'timeout', seen });
  finish(want ? 3 : 0);
}, Number(opt.timeout) * 1000);

function sse() {
  const url = new URL('/api/v1/events', base);
  if (last !== null) url.searchParams.set('after', String(last));
  const es = new EventSource(url, {
    fetch: async (input, init) => {
      if (held) await held;
      if (done) throw new Error('finished');
      const res = await fetch(input, { ...init, headers: { ...init.headers, ...auth } });
      if (res.status !== 200) out({ ev: 'error', status: res.status, message: await res.clone().text() });
      if (!res.body) return res;
      // The body through a stream we can fail as a network failure would
      // (an abort would tell EventSource not to reconnect).
      const reader = res.body.getReader();
      let ctl;
      const body = new ReadableStream({
        start(c) { ctl = c; },
        async pull(c) {
          try {
            const { done: end, value } = await reader.read();
            if (end) c.close();
            else c.enqueue(value);
          } catch (err) {
            c.error(err);
          }
        },
        cancel(why) { return reader.cancel(why); },
      });
      drop = () => {
        try { ctl.error(new TypeError('connection dropped')); } catch { /* already over */ }
        reader.cancel().catch(() => {});
      };
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    },
  });
  es.onopen = () => out({ ev: 'open' });
  es.onmessage = (m) => got(JSON.parse(m.data), m.lastEventId);
  es.onerror = (err) => {
    // The stream ended and EventSource will reconnect (with Last-Event-ID).
    if (es.readyState === EventSource.CONNECTING) out({ ev: 'disconnected', recv_ms: now() });
    if (es.readyState === EventSource.CLOSED) {
      out({ ev: 'close', code: err.code ?? null, message: err.message ?? '' });
      finish(want ? 3 : 0);
    }
  };
  process.on('exit', () => es.close());
}

// WebSocket resume: page through JSON until empty, then open the socket.
async function catchup() {
  for (;;) {
    const url = new URL('/api/v1/events', base);
    url.searchParams.set('after', String(last));
    const res = await fetch(url, { headers: auth });
    if (res.status !== 200) {
      out({ ev: 'error', status: res.status, message: await res.text() });
      return false;
    }
    const body = await res.json();
    for (const e of body.data) got(e, String(e.id));
    out({ ev: 'catchup', n: body.data.length, after: body.last_id });
    last = body.last_id;
    if (body.data.length === 0) return true;
  }
}

// One WebSocket at a time: a newer attempt makes the older one's events moot.
let wsGen = 0;
let wsPending = false;
function reconnect(delay) {
  if (wsPending || done) return;
  wsPending = true;
  setTimeout(() => { wsPending = false; ws(); }, delay);
}

// Resume, retrying while the server cannot be reached (nginx restarting).
async function ws() {
  if (held) await held;
  if (done) return;
  const gen = ++wsGen;
  try {
    if (last !== null && !(await catchup())) return finish(want ? 3 : 0);
  } catch (err) {
    out({ ev: 'retry', message: String(err.message ?? err) });
    reconnect(300);
    return;
  }
  if (gen !== wsGen || done) return;
  const url = new URL('/api/v1/events', base.replace(/^http/, 'ws'));
  if (last !== null) url.searchParams.set('after', String(last));
  const sock = new WebSocket(url, { headers: auth });
  let dropped = false;
  drop = () => { dropped = true; sock.terminate(); };
  sock.on('open', () => out({ ev: 'open' }));
  sock.on('message', (data) => {
    if (gen !== wsGen) return;
    const body = JSON.parse(data.toString());
    for (const e of body.data) got(e, String(e.id));
  });
  sock.on('unexpected-response', (req, res) => {
    let text = '';
    res.on('data', (d) => { text += d; });
    res.on('end', () => {
      out({ ev: 'error', status: res.statusCode, message: text });
      req.destroy();
      if (gen !== wsGen) return;
      wsGen++;	// this socket is over: its close must not reconnect again
      // 409: the realtime buffer no longer reaches back; catch up and retry.
      if (res.statusCode === 409 || res.statusCode >= 500) reconnect(res.statusCode === 409 ? 10 : 300);
      else finish(want ? 3 : 0);
    });
  });
  sock.on('error', () => {});
  sock.on('close', (code) => {
    if (gen !== wsGen) return;
    out({ ev: 'close', code, recv_ms: now() });
    if (dropped) out({ ev: 'resumed', after: last });
    // Dropped, or closed by the server (a session ended: reconnecting shows why).
    reconnect(dropped ? 10 : 200);
  });
}

if (mode === 'sse') sse();
else ws();
