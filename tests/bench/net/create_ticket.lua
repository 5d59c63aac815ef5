-- wrk script for matchd.create_ticket_*: POST /v1/tickets with a unique
-- player id per request (thread id + counter), solo players in duel-1v1 from
-- a few regions and skills, so tickets are really queued, matched and stored.
local counter = 0
thread_id = 0  -- set per thread by setup()
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
end

local regions = {"eu-west", "us-east", "us-west"}

function request()
  counter = counter + 1
  local id = "w" .. thread_id .. "-" .. counter .. "-" .. math.random(1, 1000000000)
  local region = regions[(counter % #regions) + 1]
  local mu = 20 + (counter % 11)
  local body = '{"queue":"duel-1v1","players":[{"id":"' .. id ..
      '","rating":{"mu":' .. mu .. ',"sigma":6},"pings":{"' .. region .. '":30}}]}'
  return wrk.format("POST", "/v1/tickets", {["Content-Type"] = "application/json"}, body)
end

local created = 0
local other = 0
function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("P95_MS %.3f\n", latency:percentile(95) / 1000.0))
  io.write(string.format("P99_MS %.3f\n", latency:percentile(99) / 1000.0))
  io.write(string.format("REQUESTS %d\n", summary.requests))
  io.write(string.format("NON2XX %d\n", summary.errors.status))
  io.write(string.format("SOCKET_ERRORS %d\n", summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
