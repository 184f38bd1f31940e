// tests/browser/check-docs.mjs URL SPEC_JSON SCREENSHOT PROFILE: load the
// API reference page in headless Chromium, wait until Redoc has rendered
// it, save a screenshot of what a visitor first sees, and print as JSON on stdout: the console
// errors, the requests that left 127.0.0.1, and the tags (top-level and on
// operations) and operations (by summary) of the document the page does
// not show.
import { readFileSync } from 'node:fs';
import { launch, outsideRequests } from './cdp.mjs';

const [url, specFile, shot, profile] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specFile, 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const tags = new Set((spec.tags || []).map((t) => t.name));
const ops = [];
for (const [path, item] of Object.entries(spec.paths || {}))
	for (const m of METHODS)
		if (item[m]) {
			// The sidebar names each operation by its summary.
			ops.push(item[m].summary || item[m].operationId || path);
			for (const t of item[m].tags || [])
				tags.add(t);
		}

const b = await launch({ profile });
let rc = 0;
try {
	const page = await b.newPage();
	await page.goto(url);
	// Rendered: the first operation is in the sidebar (Redoc renders the
	// operations' sections lazily, the sidebar at once; an operation of a
	// collapsed tag group is in the sidebar's text, hidden until opened).
	await page.waitFor(`document.body.textContent.includes(${JSON.stringify(ops[0])})`, 30000);
	// Late requests (images, telemetry) and errors get a moment to show.
	await new Promise((r) => setTimeout(r, 1500));
	const shown = await page.eval(`(() => {
		const text = document.body.innerText.toLowerCase();
		// Tags as Redoc shows them: in the sidebar, maybe capitalised.
		const tags = ${JSON.stringify([...tags])};
		const ops = ${JSON.stringify(ops)};
		return {
			title: document.title,
			missingTags: tags.filter((t) => !text.includes(t.toLowerCase()) &&
				!document.getElementById('tag/' + t)),
			missingOps: ops.filter((o) => !document.body.textContent.includes(o)),
		};
	})()`);
	await page.screenshot(shot);
	console.log(JSON.stringify({ ...shown, tags: tags.size, ops: ops.length,
		errors: page.errors, outside: outsideRequests(page) }));
} catch (e) {
	console.error(`check-docs: ${e.message}`);
	rc = 1;
} finally {
	await b.close();
}
process.exit(rc);
