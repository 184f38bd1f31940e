-- bench/clinic-day.lua: the clinic-day mix (bench/clinic-day.sh runs it
-- with wrk; bench/README.md "Clinic day" documents the mix).
--
-- Every request is made for a virtual user drawn at random from the
-- signed-in users (CD_PATIENTS patients, CD_PROVIDERS providers; tokens
-- made in SQL by bench/clinic-day.sh), with an operation drawn from the
-- weights below. Commands that follow one another (book -> cancel or
-- reschedule, admit -> end) are queued per wrk thread and sent as that
-- thread's next request, like bench/targets.d/40-appointments.sh does.
-- wrk matches no reply to its request, so each follow-up is built from
-- the reply itself (ids, patient, provider). Providers are split between
-- the threads (provider k belongs to thread k % threads) and a provider is
-- given to one admit at a time, back when its session has ended.
--
-- Environment: CD_PATIENTS, CD_PROVIDERS, CD_THREADS, CD_CHECKINS (the
-- number of fresh check-in appointments, split between the threads),
-- CD_TAG (the run's tag in their ids), CD_OFFSET (booking times of the
-- warm-up and the measurement apart), CD_HOT=1 (every booking on
-- provider 1 and patients 1..CD_HOT_PATIENTS: the one-hot-row case),
-- CD_OUT (the result file: one "op=NAME ..." line per operation and an
-- "op=all ..." line).

local env = os.getenv
local NPAT = tonumber(env("CD_PATIENTS") or "2000")
local NPROV = tonumber(env("CD_PROVIDERS") or "50")
local NTHR = tonumber(env("CD_THREADS") or "2")
local NCHK = tonumber(env("CD_CHECKINS") or "0")
local TAG = env("CD_TAG") or "aaa"
local OFFSET = tonumber(env("CD_OFFSET") or "0")
local HOT = env("CD_HOT") == "1"

-- The mix: weights per 100 requests (bench/README.md "Clinic day").
local MIX = {
	{ "dashboard", 10 }, { "appt-list", 14 }, { "slots", 8 },
	{ "book", 6 }, { "msg-list", 16 }, { "msg-post", 6 },
	{ "wr-poll", 30 }, { "check-in", 2 }, { "admit", 2 },
}
-- follow-ups: cancel (2 of 3 bookings) / reschedule (1 of 3), end (each admit)

local function digits(n, width)
	local s = string.format("%0" .. width .. "d", n)
	return (s:gsub("[0189]", { ["0"] = "a", ["1"] = "b", ["8"] = "i", ["9"] = "j" }))
end
-- the ids of bench/clinic-day.sh's cd_bid: prefix + n's digits as letters
local function bid(prefix, n) return prefix .. digits(n, 26 - #prefix) end
local function token(n) return "benchcdtoken" .. string.rep("x", 31 - #tostring(n)) .. tostring(n) end
local function ptok(k) return token(k) end		-- patient k: 1..NPAT
local function dtok(k) return token(50000 + k) end	-- provider k: 1..NPROV

local threads = {}
function setup(thread)
	thread:set("tid", #threads)
	table.insert(threads, thread)
end

local hdr_cache = {}
local function headers(tok)
	local h = hdr_cache[tok]
	if h == nil then
		h = { ["Authorization"] = "Bearer " .. tok, ["Content-Type"] = "application/json" }
		hdr_cache[tok] = h
	end
	return h
end

function init(args)
	math.randomseed(os.time() + tid * 7919)
	queue = {}		-- follow-up requests (order-free: matched by the reply)
	free_prov = {}
	for k = 1, NPROV do
		if k % NTHR == tid then table.insert(free_prov, k) end
	end
	nbook, nchk, total = 0, 0, 0
	for _, m in ipairs(MIX) do total = total + m[2] end
	local now = os.time()
	slots_from = os.date("!%Y-%m-%dT00:00:00Z", now + 400 * 86400)
	slots_to = os.date("!%Y-%m-%dT00:00:00Z", now + 401 * 86400)
	appt_from = os.date("!%Y-%m-%dT%H:%M:%SZ", now)
end

local function pick()
	local r = math.random(total)
	for _, m in ipairs(MIX) do
		r = r - m[2]
		if r <= 0 then return m[1] end
	end
	return MIX[1][1]
end

-- n back from a bench id (prefix of plen characters)
local function unbid(id, plen)
	local d = id:sub(plen + 1):gsub("[abij]", { a = "0", b = "1", i = "8", j = "9" })
	return tonumber(d)
end

-- booking start times: unique per thread, run phase and booking, 5 minutes
-- apart from 2031 onwards (no clash with the filled appointments)
local function book_time(k)
	return os.date("!%Y-%m-%dT%H:%M:%SZ", 1924992000 + ((tid * 1000000) + OFFSET + k) * 300)
end

local function build(op)
	local p = math.random(NPAT)
	if op == "dashboard" then
		return wrk.format("GET", "/api/v1/patients/" .. bid("bncdpat", p) .. "/summary", headers(ptok(p)))
	elseif op == "appt-list" then
		return wrk.format("GET", "/api/v1/appointments?from=" .. appt_from, headers(ptok(p)))
	elseif op == "slots" then
		return wrk.format("GET", "/api/v1/slots?provider_id=" .. bid("bncdprov", math.random(NPROV)) ..
		    "&from=" .. slots_from .. "&to=" .. slots_to .. "&duration_minutes=30", headers(ptok(p)))
	elseif op == "book" then
		nbook = nbook + 1
		local prov = 1 + p % NPROV
		if HOT then prov = 1 end
		return wrk.format("POST", "/api/v1/appointments", headers(ptok(p)),
		    '{"provider_id":"' .. bid("bncdprov", prov) .. '","start_at":"' .. book_time(nbook) ..
		    '","duration_minutes":5,"visit_type":"video"}')
	elseif op == "msg-list" then
		return wrk.format("GET", "/api/v1/threads/" .. bid("bncdthr", p) .. "/messages?limit=20", headers(ptok(p)))
	elseif op == "msg-post" then
		if math.random(2) == 1 then
			return wrk.format("POST", "/api/v1/threads/" .. bid("bncdthr", p) .. "/messages", headers(ptok(p)),
			    '{"body":"Quick question about my prescription."}')
		end
		return wrk.format("POST", "/api/v1/threads/" .. bid("bncdthr", p) .. "/messages",
		    headers(dtok(1 + p % NPROV)), '{"body":"Thanks, see you at the visit."}')
	elseif op == "check-in" then
		-- this thread's share of the fresh appointments, each once
		local per = math.floor(NCHK / NTHR)
		if nchk < per then
			nchk = nchk + 1
			local k = tid * per + nchk
			return wrk.format("POST", "/api/v1/waiting-room/check-in", headers(ptok(1 + (k - 1) % NPAT)),
			    '{"appointment_id":"' .. bid("bncd" .. TAG .. "c", k) .. '"}')
		end
	elseif op == "admit" then
		if #free_prov > 0 then
			local k = table.remove(free_prov, 1)
			return wrk.format("POST", "/api/v1/waiting-room/admit", headers(dtok(k)), "{}")
		end
	end
	-- wr-poll, and check-in or admit when none is left to do
	local k = 1 + (p - 1) % 500	-- the 500 patients in a waiting room
	return wrk.format("GET", "/api/v1/waiting-room/entries/" .. bid("bncdent", k), headers(ptok(k)))
end

function request()
	if #queue > 0 then
		return table.remove(queue, 1)
	end
	return build(pick())
end

function response(status, hdrs, body)
	if status == 201 and body:find('"video_session"', 1, true) then
		-- admitted: end the session next, as the provider who admitted
		local sid = body:match('"video_session":{"id":"([^"]+)"')
		local by = body:match('"started_by":"(bncdprov[^"]+)"')
		if sid and by then
			queue[#queue + 1] = wrk.format("POST", "/api/v1/video-sessions/" .. sid .. "/end",
			    headers(dtok(unbid(by, 8))), "{}")
		end
	elseif status == 201 and body:find('"booked_by"', 1, true) then
		local id = body:match('"id":"([^"]+)"')
		local pat = body:match('"patient_id":"(bncdpat[^"]+)"')
		if id and pat then
			local h = headers(ptok(unbid(pat, 7)))
			nbook = nbook + 1
			if math.random(3) == 1 then
				queue[#queue + 1] = wrk.format("POST", "/api/v1/appointments/" .. id .. "/reschedule", h,
				    '{"start_at":"' .. book_time(500000 + nbook) .. '","duration_minutes":5}')
			else
				queue[#queue + 1] = wrk.format("POST", "/api/v1/appointments/" .. id .. "/cancel", h,
				    '{"reason":"bench"}')
			end
		end
	elseif status == 200 and body:find('"end_reason"', 1, true) then
		local by = body:match('"started_by":"(bncdprov[^"]+)"')
		if by then table.insert(free_prov, unbid(by, 8)) end
	end
end

-- Per-operation counts, statuses and latencies come from nginx's access
-- log (bench/clinic-day.sh); this line is the whole mix as wrk saw it.
function done(summary, latency, requests)
	local out = assert(io.open(env("CD_OUT"), "w"))
	local secs = summary.duration / 1e6
	local e = summary.errors
	out:write(string.format("op=all requests=%d rps=%.2f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f errors=%d\n",
	    summary.requests, summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
	    latency:percentile(99.9) / 1000, e.connect + e.read + e.write + e.timeout))
	out:close()
end
