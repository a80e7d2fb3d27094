-- wrk script for scripts/bench-model-serve.sh: one fixed request, and one
-- machine-readable result line at the end.
--
-- The request comes from the environment (wrk's Lua has os.getenv):
--   BENCH_WRK_METHOD         HTTP method (default POST)
--   BENCH_WRK_BODY           request body (default empty)
--   BENCH_WRK_CONTENT_TYPE   Content-Type (default application/json)
--   BENCH_WRK_AUTHORIZATION  Authorization header value (omitted when unset/empty)
--
-- done() prints, on its own line:
--   RESULT requests=N errors=N status_errors=N socket_errors=N duration_us=N
--          rps=F mean_us=N p50_us=N p90_us=N p99_us=N max_us=N
-- errors = responses with status >= 400 (wrk's summary.errors.status) plus
-- socket errors (connect + read + write + timeout).

local function env(name, default)
  local value = os.getenv(name)
  if value == nil or value == "" then
    return default
  end
  return value
end

wrk.method = env("BENCH_WRK_METHOD", "POST")
wrk.body = env("BENCH_WRK_BODY", nil)
wrk.headers["Content-Type"] = env("BENCH_WRK_CONTENT_TYPE", "application/json")
local authorization = env("BENCH_WRK_AUTHORIZATION", nil)
if authorization ~= nil then
  wrk.headers["Authorization"] = authorization
end

function done(summary, latency, requests)
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  local rps = 0
  if seconds > 0 then
    rps = summary.requests / seconds
  end
  io.write(string.format(
    "RESULT requests=%d errors=%d status_errors=%d socket_errors=%d duration_us=%d rps=%.1f mean_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests,
    e.status + socket_errors,
    e.status,
    socket_errors,
    summary.duration,
    rps,
    math.floor(latency.mean + 0.5),
    math.floor(latency:percentile(50)),
    math.floor(latency:percentile(90)),
    math.floor(latency:percentile(99)),
    math.floor(latency.max)
  ))
end
