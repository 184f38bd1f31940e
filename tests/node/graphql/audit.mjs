// audit.mjs URL TOKEN: graphql-http's GraphQL over HTTP server audits
// (serverAudits, the spec's reference implementation) against URL, every
// request carrying "Authorization: Bearer TOKEN".
//
// One line per audit, in the order graphql-http lists them, the name
// without its leading level word ("MUST ok accept POST requests"; a "MAY
// NOT ..." audit keeps its whole name):
//   MUST ok <name>            MUST error <name>: <reason> [HTTP status type]
//   SHOULD ok <name>          SHOULD warn <name>: <reason> [...]
//   MAY ok <name>             MAY notice <name>: <reason> [...]
// An audit that throws instead of answering (connection refused, a body
// that is not JSON where JSON was required...) is printed as
// "<LEVEL> fatal <name>: <error>" and counts as failed at its level.
// Last line, the summary:
//   graphql-http audit: N MUST ok, M MUST failed; K SHOULD ok, L SHOULD warned; P MAY ok, Q MAY notices
// Exit status: 0 when every MUST passed (and nothing was fatal), 1 otherwise,
// 2 on bad usage.
import { serverAudits } from 'graphql-http';

const [url, token] = process.argv.slice(2);
if (!url || !token) {
	console.error('usage: node audit.mjs URL TOKEN');
	process.exit(2);
}

// Every request the audits make goes through here: the API wants the
// bearer token on all of them (else each would be a 401).
const fetchFn = (input, init = {}) => {
	const headers = new Headers(init.headers);
	headers.set('authorization', `Bearer ${token}`);
	return fetch(input, { ...init, headers });
};

const oneLine = (s) => String(s).replace(/\s+/g, ' ').slice(0, 400);
const count = {
	MUST: { ok: 0, bad: 0 },
	SHOULD: { ok: 0, bad: 0 },
	MAY: { ok: 0, bad: 0 },
};
let fatal = 0;

for (const audit of serverAudits({ url, fetchFn })) {
	const level = audit.name.split(' ')[0]; // MUST, SHOULD or MAY ("MAY NOT ...")
	// The name without its level word ("MUST ok accept POST requests"),
	// but "MAY ok MAY NOT allow ..." keeps it: "MAY ok NOT allow" misleads.
	const rest = audit.name.slice(level.length + 1);
	const name = rest.startsWith('NOT ') ? audit.name : rest;
	const c = count[level] ?? (count[level] = { ok: 0, bad: 0 });
	let result;
	try {
		result = await audit.fn();
	} catch (err) {
		fatal++;
		c.bad++;
		const why = err instanceof Error
			? `${err.message}${err.cause ? ` (${err.cause.message ?? err.cause})` : ''}`
			: err;
		console.log(`${level} fatal ${name}: ${oneLine(why)}`);
		continue;
	}
	if (result.status === 'ok') {
		c.ok++;
		console.log(`${level} ok ${name}`);
	} else {
		c.bad++;
		let extra = '';
		const res = result.response;
		if (res) {
			extra = ` [HTTP ${res.status} ${res.headers.get('content-type') ?? '(no content-type)'}]`;
		}
		console.log(`${level} ${result.status} ${name}: ${oneLine(result.reason)}${extra}`);
	}
	// Do not leave unread bodies behind (undici keeps the socket).
	if (result.response?.body && !result.response.bodyUsed) {
		await result.response.body.cancel().catch(() => {});
	}
}

console.log(
	`graphql-http audit: ${count.MUST.ok} MUST ok, ${count.MUST.bad} MUST failed; ` +
		`${count.SHOULD.ok} SHOULD ok, ${count.SHOULD.bad} SHOULD warned; ` +
		`${count.MAY.ok} MAY ok, ${count.MAY.bad} MAY notices` +
		(fatal ? `; ${fatal} audits threw` : ''),
);
process.exit(count.MUST.bad > 0 || fatal > 0 ? 1 : 0);
