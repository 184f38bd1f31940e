// tests/browser/check-cors.mjs PAGE_URL SCREENSHOT: load the CORS client
// page in headless Chromium, wait for its window.result, save a
// screenshot, print {result, errors, outside} as JSON on stdout.
import { launch, outsideRequests } from './cdp.mjs';

const [url, shot, profile] = process.argv.slice(2);
const b = await launch({ profile });
let rc = 0;
try {
	const page = await b.newPage();
	await page.goto(url);
	const result = await page.waitFor('window.result', 30000);
	await page.screenshot(shot);
	console.log(JSON.stringify({ result, errors: page.errors, outside: outsideRequests(page) }));
} catch (e) {
	console.error(`check-cors: ${e.message}`);
	rc = 1;
} finally {
	await b.close();
}
process.exit(rc);
