// The CORS client page's script: with fetch, from this page's origin,
// against ?api= (the API's origin): log in as ?email= / ?password=, book
// ?provider= at ?start= with an Idempotency-Key, list the appointments.
// window.result (and #out) get what happened; a refused fetch rejects, and
// result.error says so with the step it failed at.
'use strict';

const q = new URLSearchParams(location.search);
const api = q.get('api');

async function call(step, r, method, path, token, body, extra) {
	const headers = {};
	if (body !== undefined)
		headers['Content-Type'] = 'application/json';
	if (token)
		headers.Authorization = 'Bearer ' + token;
	Object.assign(headers, extra || {});
	r.step = step;
	const res = await fetch(api + path, {
		method, headers, body: body === undefined ? undefined : JSON.stringify(body),
	});
	r[step] = { status: res.status, request_id: res.headers.get('X-Request-Id') };
	return res.status === 204 ? null : res.json();
}

async function run() {
	const r = {};
	try {
		const login = await call('login', r, 'POST', '/api/v1/auth/login', null,
			{ email: q.get('email'), password: q.get('password') });
		const appt = await call('book', r, 'POST', '/api/v1/appointments', login.token, {
			provider_id: q.get('provider'), start_at: q.get('start'),
			duration_minutes: 30, visit_type: 'video',
		}, { 'Idempotency-Key': q.get('key') });
		r.appointment_id = appt.id;
		const list = await call('list', r, 'GET', '/api/v1/appointments', login.token);
		r.listed = list.data.map((a) => a.id);
		r.step = 'done';
	} catch (e) {
		r.error = String(e);
	}
	return r;
}

run().then((r) => {
	window.result = r;
	document.getElementById('out').textContent = JSON.stringify(r, null, 2);
});
