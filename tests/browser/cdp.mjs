// tests/browser/cdp.mjs: Debian's headless Chromium driven over the Chrome
// DevTools Protocol on its own pipe (--remote-debugging-pipe: fd 3 carries
// our commands, fd 4 its replies and events, each message a JSON text
// ended by a NUL byte). Node's standard library only: no npm package to
// install, no port to pick, nothing but this process can drive it.
//
//   const b = await launch({ profile: 'var/browser/profile-x' });
//   const page = await b.newPage();        // records console errors, requests
//   await page.goto('http://127.0.0.1:8080/docs/');
//   await page.waitFor('document.title != ""', 20000);
//   await page.screenshot('var/browser/x.png');
//   await b.close();
//
// Every request the page makes is in page.requests (url, method, and
// .failed with the reason if it did not complete); console errors, log
// entries of level error and uncaught exceptions are in page.errors.
// Hosts other than 127.0.0.1 never resolve (--host-resolver-rules): a
// request to the outside fails at once, and the checks report it.

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launch({ profile }) {
	mkdirSync(profile, { recursive: true });
	const args = [
		'--headless', '--no-sandbox', '--disable-gpu',
		'--remote-debugging-pipe', `--user-data-dir=${profile}`,
		'--no-first-run', '--no-default-browser-check',
		'--disable-background-networking', '--disable-component-update',
		'--disable-sync', '--disable-extensions', '--disable-default-apps',
		'--disable-domain-reliability', '--disable-client-side-phishing-detection',
		'--metrics-recording-only', '--mute-audio', '--password-store=basic',
		'--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions',
		'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
		'--window-size=1280,900', 'about:blank',
	];
	const proc = spawn(CHROMIUM, args, {
		stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
	});
	let stderr = '';
	proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
	const out = proc.stdio[3], inp = proc.stdio[4];
	let nextId = 1, buf = Buffer.alloc(0);
	const pending = new Map(), listeners = new Set();
	const exited = new Promise((resolve) => proc.on('exit', resolve));
	proc.on('exit', (code, sig) => {
		for (const { reject } of pending.values())
			reject(new Error(`chromium exited (${code ?? sig}): ${stderr}`));
		pending.clear();
	});
	inp.on('data', (chunk) => {
		buf = Buffer.concat([buf, chunk]);
		let end;
		while ((end = buf.indexOf(0)) !== -1) {
			const msg = JSON.parse(buf.subarray(0, end).toString('utf8'));
			buf = buf.subarray(end + 1);
			if (msg.id !== undefined && pending.has(msg.id)) {
				const { resolve, reject, method } = pending.get(msg.id);
				pending.delete(msg.id);
				if (msg.error)
					reject(new Error(`${method}: ${msg.error.message}`));
				else
					resolve(msg.result);
			} else if (msg.method) {
				for (const l of listeners)
					l(msg);
			}
		}
	});
	const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
		const id = nextId++;
		pending.set(id, { resolve, reject, method });
		const m = { id, method, params };
		if (sessionId)
			m.sessionId = sessionId;
		out.write(JSON.stringify(m) + '\0');
	});
	await send('Browser.getVersion');

	return {
		send,
		async newPage() {
			const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
			const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
			const page = makePage(send, sessionId, listeners);
			await page.init();
			return page;
		},
		async close() {
			try {
				await Promise.race([send('Browser.close'),
					new Promise((r) => setTimeout(r, 5000))]);
			} catch { /* it went away first */ }
			const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(t);
		},
	};
}

function makePage(send, sessionId, listeners) {
	const requests = new Map(), errors = [];
	const waiters = [];
	const on = (msg) => {
		if (msg.sessionId !== sessionId)
			return;
		const p = msg.params;
		switch (msg.method) {
		case 'Network.requestWillBeSent':
			requests.set(p.requestId, { url: p.request.url, method: p.request.method });
			break;
		case 'Network.responseReceived': {
			const r = requests.get(p.requestId);
			if (r)
				r.status = p.response.status;
			break;
		}
		case 'Network.loadingFailed': {
			const r = requests.get(p.requestId);
			if (r)
				r.failed = p.errorText + (p.corsErrorStatus ?
					` (CORS: ${p.corsErrorStatus.corsError})` : '');
			break;
		}
		case 'Runtime.consoleAPICalled':
			if (p.type === 'error' || p.type === 'assert')
				errors.push(`console.${p.type}: ` +
					p.args.map((a) => a.value ?? a.description ?? a.type).join(' '));
			break;
		case 'Runtime.exceptionThrown':
			errors.push('exception: ' + (p.exceptionDetails.exception?.description ??
				p.exceptionDetails.text));
			break;
		case 'Log.entryAdded':
			if (p.entry.level === 'error')
				errors.push(`log (${p.entry.source}): ${p.entry.text}` +
					(p.entry.url ? ` [${p.entry.url}]` : ''));
			break;
		}
		for (const w of waiters)
			if (w.method === msg.method)
				w.resolve(p);
	};
	listeners.add(on);
	const call = (method, params) => send(method, params, sessionId);
	const event = (method, ms) => new Promise((resolve, reject) => {
		const w = { method, resolve: (p) => { clearTimeout(t); waiters.splice(waiters.indexOf(w), 1); resolve(p); } };
		const t = setTimeout(() => {
			waiters.splice(waiters.indexOf(w), 1);
			reject(new Error(`no ${method} within ${ms} ms`));
		}, ms);
		waiters.push(w);
	});
	return {
		errors,
		get requests() { return [...requests.values()]; },
		async init() {
			await call('Page.enable');
			await call('Runtime.enable');
			await call('Log.enable');
			await call('Network.enable');
			await call('Network.setCacheDisabled', { cacheDisabled: true });
		},
		// Load url; resolves on the load event.
		async goto(url, ms = 30000) {
			const loaded = event('Page.loadEventFired', ms);
			const r = await call('Page.navigate', { url });
			if (r.errorText)
				throw new Error(`navigate ${url}: ${r.errorText}`);
			await loaded;
		},
		// The value of a JavaScript expression in the page (promises awaited).
		async eval(expression) {
			const r = await call('Runtime.evaluate', {
				expression, awaitPromise: true, returnByValue: true,
			});
			if (r.exceptionDetails)
				throw new Error('eval: ' + (r.exceptionDetails.exception?.description ??
					r.exceptionDetails.text));
			return r.result.value;
		},
		// Until expression is truthy (polled), within ms; returns its value.
		async waitFor(expression, ms = 20000) {
			const deadline = Date.now() + ms;
			for (;;) {
				const v = await this.eval(expression);
				if (v)
					return v;
				if (Date.now() > deadline)
					throw new Error(`waited ${ms} ms for: ${expression}`);
				await new Promise((r) => setTimeout(r, 100));
			}
		},
		// A PNG of the page at file (the whole page when full).
		async screenshot(file, full = false) {
			const params = { format: 'png' };
			if (full) {
				const m = await call('Page.getLayoutMetrics');
				const s = m.cssContentSize || m.contentSize;
				params.clip = { x: 0, y: 0, width: s.width,
					height: Math.min(s.height, 16000), scale: 1 };
				params.captureBeyondViewport = true;
			}
			const { data } = await call('Page.captureScreenshot', params);
			writeFileSync(file, Buffer.from(data, 'base64'));
			return file;
		},
	};
}

// The requests of page that went anywhere but 127.0.0.1 (data:, blob: and
// about: URLs stay in the page).
export function outsideRequests(page) {
	return page.requests.filter((r) => {
		let u;
		try {
			u = new URL(r.url);
		} catch {
			return true;
		}
		if (['data:', 'blob:', 'about:'].includes(u.protocol))
			return false;
		return u.hostname !== '127.0.0.1';
	});
}
