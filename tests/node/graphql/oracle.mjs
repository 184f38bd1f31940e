// oracle.mjs URL TOKEN CORPUS_DIR [SDL]: graphql-js 16 as the oracle of a
// GraphQL endpoint's language layer.
//
// 1. Introspection: graphql-js's getIntrospectionQuery() is POSTed twice,
//    with the default options and with every option graphql-js 16 has
//    (descriptions, specifiedByURL, isRepeatable, the schema's description,
//    deprecated input values); buildClientSchema must accept both answers.
//    A server whose introspection graphql-js cannot build a schema from is
//    a finding ("INTROSPECTION FAILED"), and the oracle stops there.
// 2. With SDL (docs/schema.graphql): printSchema(lexicographicSortSchema())
//    of the introspected schema and of buildSchema(SDL) must be the same
//    text; otherwise a line diff ("SCHEMA DIFFERS", exit 1).
// 3. Every CORPUS_DIR/*.graphql, in name order. Leading comment lines may
//    say   # variables: {"json": "object"}
//          # operationName: Name
//          # expect: accepted | rejected     (what graphql-js must say:
//                                              guards the corpus itself)
//    graphql-js's verdict: "rejected" when parse() throws, validate()
//    reports errors, or the request fails before execution (no operation
//    or an ambiguous one, variable values that do not coerce: the spec's
//    request errors, as buildExecutionContext finds them; an operation
//    type the schema has no root for; a subscription, which GraphQL over
//    HTTP does not serve); else "accepted".
//    The server's verdict (POST application/json, Accept:
//    application/graphql-response+json): "accepted" when the reply has a
//    data member (execution ran: field errors and nulls are fine),
//    "rejected" when it has no data and a non-empty errors list; any other
//    reply (not JSON, neither member) is a disagreement.
//    Per document one line:
//      ok accepted NAME | ok rejected NAME
//      DISAGREE NAME: graphql-js <verdict>, server <verdict> ...
//      CORPUS WRONG NAME: ...            (# expect: is not graphql-js's verdict)
//    For documents both reject, the first error's message (a " Did you
//    mean ...?" suffix stripped on both sides: Concierge suggests nothing,
//    graphql-js and graphql-http do)
//    and first location are compared: "MESSAGE DIFFERS NAME: ..." lines,
//    counted apart. A rejection not answered 400 (what the spec asks with
//    application/graphql-response+json) is a "STATUS NAME: ..." note.
//    Summary:
//      graphql-js oracle: N documents, A accepted by both, R rejected by both, D disagreements, M message differences[, S status notes]
// Exit status: 1 on a failed introspection, a schema difference, any
// disagreement or a wrong corpus expectation; 2 on bad usage or an
// unreadable corpus; else 0 (message differences and status notes do not
// fail the run).
import { readFileSync, readdirSync } from 'node:fs';
import { join, basename } from 'node:path';
import {
	buildClientSchema,
	buildSchema,
	getIntrospectionQuery,
	lexicographicSortSchema,
	parse,
	printSchema,
	validate,
	GraphQLError,
} from 'graphql';
// CommonJS like 'graphql' itself (the package has no "exports" map and Node
// loads its index.js), so both share one graphql realm.
import { buildExecutionContext } from 'graphql/execution/execute.js';

const [url, token, corpusDir, sdlPath] = process.argv.slice(2);
if (!url || !token || !corpusDir) {
	console.error('usage: node oracle.mjs URL TOKEN CORPUS_DIR [SDL]');
	process.exit(2);
}

const oneLine = (s) => String(s).replace(/\s+/g, ' ').trim();
const cut = (s, n = 300) => (s.length > n ? `${s.slice(0, n)}... (${s.length} chars)` : s);

// One POST the way a GraphQL over HTTP client sends it.
async function post(body) {
	let res;
	try {
		res = await fetch(url, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${token}`,
				'content-type': 'application/json',
				accept: 'application/graphql-response+json',
			},
			body: JSON.stringify(body),
		});
	} catch (err) {
		return { status: 0, text: '', json: undefined, error: `no reply: ${err.cause?.message ?? err.message}` };
	}
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json };
}

// The server's verdict on one reply.
function serverVerdict(r) {
	if (r.error) return { verdict: `unusable (${r.error})` };
	const j = r.json;
	if (j === undefined || j === null || typeof j !== 'object' || Array.isArray(j)) {
		return { verdict: `unusable (HTTP ${r.status}, not a JSON object: ${cut(oneLine(r.text), 120)})` };
	}
	if (Object.hasOwn(j, 'data')) return { verdict: 'accepted', errors: j.errors ?? [] };
	if (Array.isArray(j.errors) && j.errors.length > 0) return { verdict: 'rejected', errors: j.errors };
	return { verdict: `unusable (HTTP ${r.status}, neither data nor errors: ${cut(oneLine(r.text), 120)})` };
}

// ---- 1. introspection ----------------------------------------------------

let failed = false;
const introspections = [
	['default options', getIntrospectionQuery()],
	[
		'all options',
		getIntrospectionQuery({
			descriptions: true,
			specifiedByUrl: true,
			directiveIsRepeatable: true,
			schemaDescription: true,
			inputValueDeprecation: true,
		}),
	],
];
let schema;
for (const [label, query] of introspections) {
	const r = await post({ query });
	const j = r.json;
	if (r.error || !j || typeof j !== 'object' || !j.data || (j.errors && j.errors.length)) {
		console.log(
			`INTROSPECTION FAILED (${label}): HTTP ${r.status}: ${cut(oneLine(r.error ?? r.text), 600)}`,
		);
		failed = true;
		continue;
	}
	try {
		schema = buildClientSchema(j.data);
	} catch (err) {
		console.log(`INTROSPECTION FAILED (${label}): graphql-js buildClientSchema refuses it: ${oneLine(err.message)}`);
		failed = true;
		continue;
	}
	const n = Object.keys(schema.getTypeMap()).filter((t) => !t.startsWith('__')).length;
	console.log(`ok introspection (${label}): graphql-js builds a schema of ${n} named types`);
}
if (failed || !schema) {
	console.log('graphql-js oracle: stopped: the introspection is not usable');
	process.exit(1);
}

// ---- 2. the SDL ----------------------------------------------------------

// lines diff (LCS): "-" only in the SDL, "+" only in the server's answer.
function diffLines(a, b) {
	const n = a.length, m = b.length;
	const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
	for (let i = n - 1; i >= 0; i--)
		for (let j = m - 1; j >= 0; j--)
			L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
	const out = [];
	let i = 0, j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && a[i] === b[j]) {
			out.push(`  ${a[i]}`);
			i++, j++;
		} else if (j < m && (i === n || L[i][j + 1] >= L[i + 1][j])) out.push(`+ ${b[j++]}`);
		else out.push(`- ${a[i++]}`);
	}
	// only the changes and two lines of context around them
	const keep = new Set();
	out.forEach((l, k) => {
		if (l[0] !== ' ') for (let c = k - 2; c <= k + 2; c++) keep.add(c);
	});
	const shown = [];
	let last = -2;
	out.forEach((l, k) => {
		if (!keep.has(k)) return;
		if (k !== last + 1) shown.push('@@');
		shown.push(l);
		last = k;
	});
	return shown;
}

if (sdlPath) {
	let sdlSchema;
	try {
		sdlSchema = buildSchema(readFileSync(sdlPath, 'utf8'));
	} catch (err) {
		console.log(`SCHEMA DIFFERS: graphql-js cannot build ${sdlPath}: ${oneLine(err.message)}`);
		process.exit(1);
	}
	const want = printSchema(lexicographicSortSchema(sdlSchema));
	const got = printSchema(lexicographicSortSchema(schema));
	if (want === got) {
		console.log(`ok schema: the introspection prints the same SDL as ${basename(sdlPath)} (${want.split('\n').length} lines, sorted)`);
	} else {
		console.log(`SCHEMA DIFFERS: introspection vs ${sdlPath} (- only in the SDL, + only in the introspection):`);
		for (const l of diffLines(want.split('\n'), got.split('\n'))) console.log(`  ${l}`);
		failed = true;
	}
}

// ---- 3. the corpus -------------------------------------------------------

let files;
try {
	files = readdirSync(corpusDir).filter((f) => f.endsWith('.graphql')).sort();
} catch (err) {
	console.error(`oracle: cannot read ${corpusDir}: ${err.message}`);
	process.exit(2);
}
if (files.length === 0) {
	console.error(`oracle: no *.graphql in ${corpusDir}`);
	process.exit(2);
}

// The header comments of a corpus document.
function header(name, text) {
	const h = { variables: undefined, operationName: undefined, expect: undefined };
	for (const line of text.split(/\r\n|\n|\r/)) {
		if (!line.startsWith('#')) break;
		const m = /^#\s*(variables|operationName|expect):\s*(.*?)\s*$/.exec(line);
		if (!m) continue;
		if (m[1] === 'variables') {
			try {
				h.variables = JSON.parse(m[2]);
			} catch (err) {
				console.error(`oracle: ${name}: "# variables:" is not JSON: ${err.message}`);
				process.exit(2);
			}
		} else if (m[1] === 'expect') {
			if (m[2] !== 'accepted' && m[2] !== 'rejected') {
				console.error(`oracle: ${name}: "# expect:" must be accepted or rejected`);
				process.exit(2);
			}
			h.expect = m[2];
		} else h.operationName = m[2];
	}
	return h;
}

// graphql-js's verdict: parse, validate, then what execution checks before
// it runs a resolver (the operation to run, the variable values).
function graphqlJsVerdict(text, operationName, variables) {
	let document;
	try {
		document = parse(text);
	} catch (err) {
		if (!(err instanceof GraphQLError)) throw err;
		return { verdict: 'rejected', stage: 'parse', errors: [err] };
	}
	const errors = validate(schema, document);
	if (errors.length) return { verdict: 'rejected', stage: 'validate', errors };
	const ctx = buildExecutionContext({
		schema,
		document,
		operationName,
		variableValues: variables,
	});
	if (Array.isArray(ctx)) return { verdict: 'rejected', stage: 'request', errors: ctx };
	// graphql-js 16 validates an operation whose root type the schema
	// lacks (KnownOperationTypes comes with v17); execute() and
	// subscribe() then refuse it before any resolver runs.
	const op = ctx.operation;
	if (!schema.getRootType(op.operation)) {
		const err = new GraphQLError(`Schema is not configured to execute ${op.operation} operation.`, { nodes: op });
		return { verdict: 'rejected', stage: 'request', errors: [err] };
	}
	// GraphQL over HTTP answers one response per request: no subscriptions
	// (graphql-http's words).
	if (op.operation === 'subscription') {
		return { verdict: 'rejected', stage: 'request', errors: [new GraphQLError('Subscriptions are not supported')] };
	}
	return { verdict: 'accepted', stage: 'execute', errors: [] };
}

const stripSuggestion = (m) => String(m ?? '').replace(/\s*Did you mean .*\?$/s, '');
const loc = (e) => {
	const l = e?.locations?.[0];
	return l ? `${l.line}:${l.column}` : '-';
};

let accepted = 0, rejected = 0, disagreements = 0, msgDiffs = 0, statusNotes = 0, corpusWrong = 0;
for (const f of files) {
	const name = f;
	const text = readFileSync(join(corpusDir, f), 'utf8');
	const h = header(name, text);
	const js = graphqlJsVerdict(text, h.operationName, h.variables);
	if (h.expect && h.expect !== js.verdict) {
		corpusWrong++;
		console.log(
			`CORPUS WRONG ${name}: says "# expect: ${h.expect}", graphql-js ${js.verdict}` +
				(js.errors.length ? ` (${js.stage}: ${oneLine(js.errors[0].message)})` : ''),
		);
	}
	const body = { query: text };
	if (h.variables !== undefined) body.variables = h.variables;
	if (h.operationName !== undefined) body.operationName = h.operationName;
	const r = await post(body);
	const srv = serverVerdict(r);

	if (js.verdict !== srv.verdict) {
		disagreements++;
		const jsWhy = js.errors.length ? ` (${js.stage}: ${oneLine(js.errors[0].message)} at ${loc(js.errors[0])})` : '';
		const srvWhy =
			srv.verdict === 'rejected'
				? ` (HTTP ${r.status}: ${oneLine(srv.errors[0]?.message)} at ${loc(srv.errors[0])})`
				: srv.verdict === 'accepted'
					? ` (HTTP ${r.status}${srv.errors.length ? `, first field error: ${oneLine(srv.errors[0]?.message)}` : ''})`
					: '';
		console.log(`DISAGREE ${name}: graphql-js ${js.verdict}${jsWhy}, server ${srv.verdict}${srvWhy}`);
		continue;
	}
	if (js.verdict === 'accepted') {
		accepted++;
		console.log(`ok accepted ${name}`);
		continue;
	}
	rejected++;
	const want = js.errors[0];
	const got = srv.errors[0];
	const wantMsg = stripSuggestion(want.message);
	const gotMsg = stripSuggestion(got?.message);
	console.log(`ok rejected ${name}: ${oneLine(wantMsg)} at ${loc(want)}`);
	if (wantMsg !== gotMsg || loc(want) !== loc(got)) {
		msgDiffs++;
		// Is it another of graphql-js's errors (the rules ran in another order)?
		const k = js.errors.findIndex((e) => stripSuggestion(e.message) === gotMsg && loc(e) === loc(got));
		console.log(
			`MESSAGE DIFFERS ${name}: graphql-js ${JSON.stringify(wantMsg)} at ${loc(want)}; ` +
				`server ${JSON.stringify(gotMsg)} at ${loc(got)}` +
				(k > 0 ? ` (graphql-js's error #${k + 1} of ${js.errors.length})` : ''),
		);
	}
	if (r.status !== 400) {
		statusNotes++;
		console.log(`STATUS ${name}: rejected with HTTP ${r.status} (the spec asks 400 for application/graphql-response+json)`);
	}
}

console.log(
	`graphql-js oracle: ${files.length} documents, ${accepted} accepted by both, ${rejected} rejected by both, ` +
		`${disagreements} disagreements, ${msgDiffs} message differences` +
		(statusNotes ? `, ${statusNotes} status notes` : '') +
		(corpusWrong ? `, ${corpusWrong} wrong corpus expectations` : ''),
);
process.exit(failed || disagreements > 0 || corpusWrong > 0 ? 1 : 0);
