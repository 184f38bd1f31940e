// reference-server.mjs PORT TOKEN [SDL]: the baseline audit.mjs and
// oracle.mjs are proven against, and a reader can compare Concierge with:
// graphql-http's own handler (the GraphQL over HTTP reference
// implementation) on graphql-js 16, serving the schema built from SDL
// (default: docs/schema.graphql) with no resolvers (every field resolves
// to null), at http://127.0.0.1:PORT/api/v1/graphql. Like the API it wants
// "Authorization: Bearer TOKEN" on every request (401 otherwise). Any
// other path is a 404. It prints "listening on URL" once it is ready and
// stops on SIGTERM or SIGINT.
//
//   node reference-server.mjs 18931 secret &
//   node audit.mjs http://127.0.0.1:18931/api/v1/graphql secret
//   node oracle.mjs http://127.0.0.1:18931/api/v1/graphql secret ../../graphql/corpus ../../../docs/schema.graphql
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';

const [portArg, token, sdlArg] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port < 1 || port > 65535 || !token) {
	console.error('usage: node reference-server.mjs PORT TOKEN [SDL]');
	process.exit(2);
}
const sdlPath = sdlArg ?? fileURLToPath(new URL('../../../docs/schema.graphql', import.meta.url));
const schema = buildSchema(readFileSync(sdlPath, 'utf8'));
const handler = createHandler({ schema });
const PATH = '/api/v1/graphql';

const server = createServer((req, res) => {
	const path = new URL(req.url, 'http://x').pathname;
	if (path !== PATH) {
		res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
		return;
	}
	if (req.headers.authorization !== `Bearer ${token}`) {
		res.writeHead(401, {
			'content-type': 'application/json',
			'www-authenticate': 'Bearer',
		}).end('{"error":"unauthorized"}');
		return;
	}
	handler(req, res).catch((err) => {
		console.error(err);
		if (!res.headersSent) res.writeHead(500).end();
	});
});
server.listen(port, '127.0.0.1', () => {
	console.log(`listening on http://127.0.0.1:${port}${PATH}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
	process.on(sig, () => {
		server.close(() => process.exit(0));
		server.closeAllConnections(); // keep-alive sockets would hold close() up
	});
}
