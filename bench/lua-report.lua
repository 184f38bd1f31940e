-- bench/lua-report.lua: the wrk script bench/run passes with -s.
--
-- Builds the request from the environment, counts every response whose
-- status is not 2xx, and when wrk is done writes ONE machine-readable line
-- of key=value pairs, so bench/run never parses wrk's human output:
--
--   name=pk requests=98765 duration_s=10.00 rps=9876.50 p50_ms=3.100
--   p99_ms=6.800 non2xx=0 bad_status=- errors=0 connect=0 read=0 write=0
--   timeout=0
--
-- (one line in reality). Environment, all optional:
--   BENCH_NAME     label copied into the line (default "target")
--   BENCH_METHOD   HTTP method (default GET)
--   BENCH_BODY     request body; when set and no Content-Type header is
--                  given, Content-Type: application/json is added
--   BENCH_HEADERS  extra headers, one "Name: value" per line
--   BENCH_OUT      file to write the line to (default: stdout)
--
-- wrk runs this file once in its main Lua state (setup, done) and once per
-- thread (init, response); each thread counts in its own globals and done()
-- adds them up through thread:get().

local env = os.getenv

wrk.method = env("BENCH_METHOD") or "GET"

local has_content_type = false
for line in (env("BENCH_HEADERS") or ""):gmatch("[^\r\n]+") do
	local name, value = line:match("^%s*([^:%s]+)%s*:%s*(.-)%s*$")
	if name == nil then
		io.stderr:write("lua-report: bad header line: " .. line .. "\n")
		os.exit(2)
	end
	if name:lower() == "content-type" then
		has_content_type = true
	end
	wrk.headers[name] = value
end

local body = env("BENCH_BODY")
if body ~= nil and body ~= "" then
	wrk.body = body
	if not has_content_type then
		wrk.headers["Content-Type"] = "application/json"
	end
end

-- Main state: remember every thread so done() can read its counters.
local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

-- Thread state: per-thread counters, read back by done().
function init(args)
	non2xx = 0
	first_bad = 0
end

function response(status, headers, body)
	if status < 200 or status > 299 then
		non2xx = non2xx + 1
		if first_bad == 0 then
			first_bad = status
		end
	end
end

function done(summary, latency, requests)
	local non2xx_total, bad = 0, 0
	for _, t in ipairs(threads) do
		non2xx_total = non2xx_total + (t:get("non2xx") or 0)
		local b = t:get("first_bad") or 0
		if bad == 0 and b ~= 0 then
			bad = b
		end
	end
	local e = summary.errors
	local seconds = summary.duration / 1e6
	local rps = 0
	if seconds > 0 then
		rps = summary.requests / seconds
	end
	local line = string.format(
	    "name=%s requests=%d duration_s=%.2f rps=%.2f p50_ms=%.3f " ..
	    "p99_ms=%.3f non2xx=%d bad_status=%s errors=%d connect=%d " ..
	    "read=%d write=%d timeout=%d\n",
	    (env("BENCH_NAME") or "target"):gsub("%s", "_"),
	    summary.requests, seconds, rps,
	    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
	    non2xx_total, bad == 0 and "-" or tostring(bad),
	    e.connect + e.read + e.write + e.timeout,
	    e.connect, e.read, e.write, e.timeout)
	local path = env("BENCH_OUT")
	if path ~= nil and path ~= "" then
		local f = assert(io.open(path, "w"))
		f:write(line)
		f:close()
	else
		io.write(line)
	end
end
