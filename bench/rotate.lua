-- wrk script: every request from a different learner, picked at random from BENCH_LEARNERS (lines of
-- bench/prepare.py: session, CSRF secret, API token, local date, block number, plan). BENCH_AUTH is "cookie"
-- or "token"; BENCH_PATH may hold {plan}, {block}, {page} and {sort}; BENCH_METHOD and BENCH_BODY (with {date}) make a POST.
-- Prints wrk's summary as one JSON line (p95 is not in wrk's own report).
local learners = {}
for line in io.lines(os.getenv("BENCH_LEARNERS")) do
  local session, csrf, token, date, block, plan = line:match("(%S+) (%S+) (%S+) (%S+) (%S+) (%S+)")
  if session then table.insert(learners, {session = session, csrf = csrf, token = token, date = date, block = block, plan = plan}) end
end
local auth = os.getenv("BENCH_AUTH") or "cookie"
local path = os.getenv("BENCH_PATH") or "/"
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local ctype = os.getenv("BENCH_CTYPE")
local cookie_name = os.getenv("BENCH_COOKIE_NAME") or "sessionid"
-- {page}: a random page from 1 to BENCH_PAGES; {sort}: a random roster column, either way.
local pages = tonumber(os.getenv("BENCH_PAGES") or "1")
local sorts = {"buffer", "-buffer", "day", "-day", "done", "-done", "streak", "-streak", "last", "-last", "username"}

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  local l = learners[math.random(#learners)]
  local headers = {}
  if auth == "token" then
    headers["Authorization"] = "Bearer " .. l.token
  else
    headers["Cookie"] = cookie_name .. "=" .. l.session
  end
  if ctype then headers["Content-Type"] = ctype end
  local b = body and body:gsub("{date}", l.date) or nil
  local url = path:gsub("{block}", l.block):gsub("{plan}", l.plan)
  url = url:gsub("{page}", tostring(math.random(pages))):gsub("{sort}", sorts[math.random(#sorts)])
  return wrk.format(method, url, headers, b)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"errors":%d,"non2xx":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
