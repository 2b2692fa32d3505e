#!lua
-- Queues the next jobs of a sending alert (dispatch/job_writer.h): moves up to n jobs from
-- the alert's list of unqueued jobs (staged at the freeze, dispatch/audience_stage.lua) onto
-- its send queue, one stream entry each in the engine's format: the alert id and one "m"
-- field per member id. LPOP and XADD are one atomic step, so a crash leaves a job either
-- still in the list or queued, never both nor lost: the list itself is the cursor, and two
-- writers racing (the one :send spawned and the scheduler's "queue|<id>" item) cannot queue
-- a job twice. About 1,000 members per call, a few milliseconds of Redis.
-- Once the list is empty it sets jobs_queued=1, which lets the record step finish the
-- alert; if every job was already recorded by then, it finishes the alert itself. An alert
-- no longer sending (cancelled) has the rest of its list dropped (counted in jobs_dropped).
-- Once the list is done or dropped, the scheduler's waiting "queue|<id>" item, a backstop,
-- is removed: nothing is left for it to do.
-- KEYS[1] alert:{id}, KEYS[2] alert:{id}:jobs:unqueued, KEYS[3] alert:{id}:count, KEYS[4]
-- audit, KEYS[5] the send queue (q:send:urgent or q:send:routine), KEYS[6] the scheduler's
-- `{schedule}` ZSET
-- ARGV[1] jobs per call, ARGV[2] alert id, ARGV[3] now (ms)
-- Returns { "queued" | "done" | "dropped", jobs queued by this call, jobs left }.
-- The alert's trail, alert:{id}:audit, is named by audited() (alerts/audited_lib.lua).
--!include turnout/reach_lib.lua
--!include alerts/audited_lib.lua
--!include dispatch/finish_lib.lua
local alert, unqueued, counts, audit, queue = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local schedule = KEYS[6]
local n, id, now = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local state = redis.call('HGET', alert, 'state')
if state ~= 'sending' then
  local left = redis.call('LLEN', unqueued)
  if left > 0 then
    redis.call('UNLINK', unqueued)
    redis.call('HINCRBY', alert, 'jobs_dropped', left)
  end
  if state then redis.call('HSET', alert, 'jobs_queued', 1) end
  redis.call('ZREM', schedule, 'queue|' .. id)
  return { 'dropped', 0, left }
end
local blobs = redis.call('LPOP', unqueued, n)
local jobs = 0
if blobs then
  for _, blob in ipairs(blobs) do
    local entry = { queue, '*', 'alert', id }
    for _, member in ipairs(cmsgpack.unpack(blob)) do
      entry[#entry + 1] = 'm'
      entry[#entry + 1] = member
    end
    redis.call('XADD', unpack(entry))
    jobs = jobs + 1
  end
  redis.call('HINCRBY', alert, 'jobs_pending', jobs)
end
local left = redis.call('LLEN', unqueued)
if left > 0 then return { 'queued', jobs, left } end
redis.call('HSET', alert, 'jobs_queued', 1)
redis.call('ZREM', schedule, 'queue|' .. id)
if finish_if_done(alert, counts, audit, id, now) then
  -- As record.lua does for an alert it finishes: its whole reach log applies now.
  if reach_apply(alert) > 0 then
    turnout_flush()
    turnout_changed(alert)
  end
end
return { 'done', jobs, 0 }
