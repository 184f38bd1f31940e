// validate-recordings.mjs DOC DIR: checks every HTTP exchange that
// tests/e2e/lib.sh recorded under DIR (CONCIERGE_RECORD_DIR) against the
// OpenAPI document DOC with Stoplight Prism's own proxy pipeline: Prism
// routes the request to its operation, then validates the response's status,
// media type, headers and body (JSON Schema 2020-12 for OpenAPI 3.1), exactly
// as `prism proxy --errors` does, except that the "upstream" is the recording
// (a forwarder that answers the recorded response) instead of a live server:
// no port, no second pass over the network, the e2e suite's own timing and
// client addresses untouched.
//
// A recording is three files with one prefix: PREFIX.req ("METHOD PATH?QUERY"),
// PREFIX.h (the response headers as curl -D wrote them) and PREFIX.b (the
// body). Every diagnostic Prism gives on a response (error or warning) is a
// mismatch; so is a request no operation of the document matches, unless
// nginx answered it 404/405 (a test probing a path that is not an API route:
// counted and listed as "outside"; CORS preflights and the /docs/ reference
// page are counted as not API operations), a response body where the document
// declares none, and a JSON media type whose body does not parse.
//
// Prints "mismatch ..." lines, then "# ..." summary lines; exit 1 on any
// mismatch, 2 on a usage or load error.
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { createInstance, getHttpOperationsFromSpec } = require('@stoplight/prism-http');
const { createLogger } = require('@stoplight/prism-core');
const TE = require('fp-ts/TaskEither');
const route = require('@stoplight/prism-http/dist/router').default;

const [doc, dir] = process.argv.slice(2);
if (!doc || !dir) {
	console.error('usage: validate-recordings.mjs DOC DIR');
	process.exit(2);
}

const operations = await getHttpOperationsFromSpec(doc);
const logger = createLogger('contract', { enabled: false });
let current; // the recorded response the forwarder answers
let routed; // the operation Prism's router chose for it
const prism = createInstance(
	{ isProxy: true, upstream: new URL('http://recording.invalid'), errors: true,
	  validateRequest: false, validateResponse: true, checkSecurity: false, mock: {} },
	{ logger, forward: () => () => TE.right(current),
	  route: (args) => {
		const r = route(args);
		routed = r._tag === 'Right' ? r.right : undefined;
		return r;
	  } });

const jsonType = (ct) => /^application\/([a-z0-9.+-]*\+)?json\b/i.test(ct || '') ||
	/^application\/problem\+json\b/i.test(ct || '');

function parseHeaders(raw) {
	// The last header block (curl -D writes one per response it read).
	const blocks = raw.replace(/\r/g, '').split(/\n\n/).filter((b) => /^HTTP\//.test(b));
	const last = (blocks.at(-1) || '').split('\n');
	const m = /^HTTP\/[0-9.]+ (\d{3})/.exec(last[0] || '');
	const headers = {};
	for (const line of last.slice(1)) {
		const i = line.indexOf(':');
		if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
	}
	return { status: m ? Number(m[1]) : 0, headers };
}

const files = readdirSync(dir).filter((f) => f.endsWith('.req')).sort();
const pairs = new Map();      // "operationId status" -> count
const outside = new Map();    // "METHOD path status" -> count
const notApi = { preflight: 0, reference: 0 };
const byKind = { json: 0, empty: 0, other: new Map() };
const exercised = new Set();
let mismatches = 0, checked = 0, noReply = 0;

function mismatch(prefix, what) {
	mismatches++;
	if (mismatches <= 200) console.log(`mismatch ${prefix}: ${what}`);
}

for (const f of files) {
	const prefix = f.slice(0, -4);
	const [method, target] = readFileSync(join(dir, f), 'utf8').trim().split(' ');
	let hraw;
	try {
		hraw = readFileSync(join(dir, prefix + '.h'), 'latin1');
	} catch {
		noReply++;
		continue;
	}
	const { status, headers } = parseHeaders(hraw);
	if (!status) { noReply++; continue; }
	let raw = '';
	try { raw = readFileSync(join(dir, prefix + '.b'), 'latin1'); } catch { /* no body */ }
	const ct = headers['content-type'];
	let body;
	if (raw.length === 0) {
		body = undefined;
	} else if (jsonType(ct)) {
		try {
			body = JSON.parse(Buffer.from(raw, 'latin1').toString('utf8'));
		} catch (e) {
			mismatch(prefix, `${method} ${target} ${status}: ${ct} body is not JSON (${e.message})`);
			continue;
		}
	} else {
		body = raw;
	}
	const u = new URL(target, 'http://x');
	// Not API operations, by design: CORS preflights (answered before
	// routing on every path, described in info.description, never an
	// operation) must be 204 or a 403 problem, and an OPTIONS that is no
	// preflight (no Origin, or none configured) the router's 405 problem;
	// the reference page under
	// /docs/ is static files. Counted and listed, not schema-checked.
	if (method === 'OPTIONS') {
		if (status !== 204 && !((status === 403 || status === 405) && jsonType(ct)))
			mismatch(prefix, `${method} ${target} ${status}: OPTIONS answers 204, or a 403 or 405 problem`);
		notApi.preflight++;
		continue;
	}
	if (u.pathname === '/docs' || u.pathname.startsWith('/docs/')) {
		notApi.reference++;
		continue;
	}
	const query = {};
	for (const [k, v] of u.searchParams) query[k] = k in query ? [].concat(query[k], v) : v;
	current = { statusCode: status, headers, body };
	const input = { method: method.toLowerCase(), url: { path: u.pathname, query }, headers: {}, body: undefined };
	routed = undefined;
	const result = await prism.request(input, operations)();
	if (result._tag === 'Left') {
		const e = result.left;
		if (status === 404 || status === 405) {
			const k = `${method} ${u.pathname} ${status}`;
			outside.set(k, (outside.get(k) || 0) + 1);
		} else {
			mismatch(prefix, `${method} ${target} ${status}: no operation (${e.message || e.name})`);
		}
		continue;
	}
	checked++;
	const op = routed;
	const opId = op ? (op.iid || `${method} ${op.path}`) : `${method} ${u.pathname}`;
	exercised.add(opId);
	const out = result.right.validations.output || [];
	for (const d of out) mismatch(prefix, `${opId} ${status} (${method} ${target}): ${d.message}`);
	if (op && body !== undefined) {
		const resp = op.responses.find((r) => r.code === String(status));
		if (resp && (!resp.contents || resp.contents.length === 0))
			mismatch(prefix, `${opId} ${status}: a body (${ct}) where the document declares none`);
	}
	if (body === undefined) byKind.empty++;
	else if (typeof body !== 'string') byKind.json++;
	else byKind.other.set(ct, (byKind.other.get(ct) || 0) + 1);
	if (out.length === 0) {
		const k = `${opId} ${status}`;
		pairs.set(k, (pairs.get(k) || 0) + 1);
	}
}


const allOps = operations.map((o) => o.iid);
const never = allOps.filter((id) => !exercised.has(id));
if (mismatches > 200) console.log(`# ... and ${mismatches - 200} more mismatches`);
console.log(`# recordings: ${files.length}; no reply: ${noReply}; validated against an operation: ${checked}; mismatches: ${mismatches}`);
console.log(`# bodies: ${byKind.json} JSON (schema-checked), ${byKind.empty} empty, ` +
	`${[...byKind.other.values()].reduce((a, b) => a + b, 0)} other (status and media type checked, no schema): ` +
	[...byKind.other].map(([k, v]) => `${k || 'none'} x${v}`).join(', '));
console.log(`# outside the document (nginx 404/405 to a path or method that is no operation): ` +
	`${[...outside.values()].reduce((a, b) => a + b, 0)}: ${[...outside].map(([k, v]) => `${k} x${v}`).join('; ')}`);
console.log(`# not API operations (by design): OPTIONS ${notApi.preflight} (204, or a 403 or 405 problem), ` +
	`reference page under /docs/ ${notApi.reference}`);
console.log(`# distinct (operation, status) pairs validated: ${pairs.size}`);
console.log(`# operations exercised: ${exercised.size} of ${allOps.length}; never: ${never.join(' ') || 'none'}`);
console.log(`# pairs: ${[...pairs.keys()].sort().join(', ')}`);
process.exit(mismatches ? 1 : 0);
