#!lua
-- Queues the next jobs of a sending alert (dispatch/job_writer.h): moves up to n jobs from
-- the alert's list of unqueued jobs (staged at the freeze, dispatch/audience_stage.lua) to
-- its jobs' outbox, one stream entry each in the send queue's format: the alert id and one
-- "m" field per member id (the caller relays them to the send queue right after, exactly
-- once: every key here is the alert's); and counts their members as targeted in the turnout, where each
-- belongs (turnout/reach_lib.lua), in the same step. Taking the jobs off the list, queuing
-- them and counting their members are one atomic step, so a crash leaves a job either
-- still in the list or queued and counted, never both nor lost: the list itself is the
-- cursor, and two writers racing (the one :send spawned and the scheduler's "queue|<id>"
-- item) cannot queue a job twice. A member is thus counted before their job exists, and
-- the prepare step need not count anyone (send_start.lua sets turnout_targeted).
-- Two calls per batch, since a member's place comes from the roster, outside the alert's
-- hash slot: "peek" returns the member ids of the next n jobs; the caller reads their
-- places (turnout/targeting.h) and calls "queue" with them, encoded as dims keeps them
-- (turnout::encode_place, the same as turnout_place_of here): the daemon builds those
-- strings, not Redis, whose one thread every alert shares. "queue" checks that the list
-- still starts with those members, in order ("raced" otherwise: another writer took them;
-- peek again). About 250 members per call (5 jobs), a few milliseconds of Redis.
-- Once the list is empty it sets jobs_queued=1, which lets the record step finish the
-- alert; if every job was already recorded by then, it finishes the alert itself. An alert
-- no longer sending (cancelled) has the rest of its list dropped (counted in jobs_dropped).
-- Once the list is done or dropped, the scheduler's waiting "queue|<id>" item, a backstop,
-- is removed: nothing is left for it to do.
-- KEYS[1] alert:{id}, KEYS[2] alert:{id}:jobs:unqueued, KEYS[3] alert:{id}:count, KEYS[4]
-- alert:{id}:audit (its trail), KEYS[5] alert:{id}:jobs_out:<queue> (its jobs' outbox),
-- KEYS[6] alert:{id}:schedule_out (its scheduler items, applied by the caller)
-- ARGV[1] jobs per call, ARGV[2] alert id, ARGV[3] now (ms), ARGV[4] "peek" | "queue", then
-- for "queue" two per member of the jobs peeked, in order: id, place (as alert:{id}:dims keeps it)
-- Returns { "peeked" | "raced" | "queued" | "done" | "dropped", jobs queued by this call,
-- jobs left, the member ids peeked (else empty) }.
--!include turnout/reach_lib.lua
--!include alerts/audited_lib.lua
--!include dispatch/finish_lib.lua
local alert, unqueued, counts, trail = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local jobs_out, schedule_out = KEYS[5], KEYS[6]
local n, id, now = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local state = redis.call('HGET', alert, 'state')
if state ~= 'sending' then
  local left = redis.call('LLEN', unqueued)
  if left > 0 then
    redis.call('UNLINK', unqueued)
    redis.call('HINCRBY', alert, 'jobs_dropped', left)
  end
  if state and redis.call('HGET', alert, 'jobs_queued') ~= '1' then
    redis.call('HSET', alert, 'jobs_queued', 1)
    redis.call('XADD', schedule_out, '*', 'op', 'remove', 'item', 'queue|' .. id)
  end
  return { 'dropped', 0, left, {} }
end
local mode = ARGV[4]
local blobs = redis.call('LRANGE', unqueued, 0, n - 1)
local jobs = 0
if mode == 'peek' and #blobs > 0 then
  local ids = {}
  for _, blob in ipairs(blobs) do
    for _, member in ipairs(cmsgpack.unpack(blob)) do ids[#ids + 1] = member end
  end
  return { 'peeked', 0, redis.call('LLEN', unqueued), ids }
elseif mode == 'queue' then
  -- The jobs whose members were peeked, checked member by member before anything is
  -- written.
  local entries, at = {}, 5
  for _, blob in ipairs(blobs) do
    if at > #ARGV then break end
    local entry = { jobs_out, '*', 'alert', id }
    for _, member in ipairs(cmsgpack.unpack(blob)) do
      if ARGV[at] ~= member then return { 'raced', 0, redis.call('LLEN', unqueued), {} } end
      entry[#entry + 1] = 'm'
      entry[#entry + 1] = member
      at = at + 2
    end
    entries[#entries + 1] = entry
  end
  if at <= #ARGV then return { 'raced', 0, redis.call('LLEN', unqueued), {} } end
  jobs = #entries
  if jobs > 0 then
    for _, entry in ipairs(entries) do redis.call('XADD', unpack(entry)) end
    redis.call('LTRIM', unqueued, jobs, -1)
    redis.call('HINCRBY', alert, 'jobs_pending', jobs)
    local members, places = {}, {}
    for i = 5, #ARGV, 2 do
      members[#members + 1] = ARGV[i]
      places[#places + 1] = ARGV[i + 1]
    end
    local counted = turnout_target_all(alert, members, places)
    turnout_flush()
    if counted > 0 then turnout_changed(alert) end
  end
end
local left = redis.call('LLEN', unqueued)
if left > 0 then return { 'queued', jobs, left, {} } end
-- Once: a call after the last (the scheduler's backstop after the writer) adds nothing.
if redis.call('HGET', alert, 'jobs_queued') ~= '1' then
  redis.call('HSET', alert, 'jobs_queued', 1)
  redis.call('XADD', schedule_out, '*', 'op', 'remove', 'item', 'queue|' .. id)
end
if finish_if_done(alert, counts, trail, id, now) then
  -- As record.lua does for an alert it finishes: its whole reach log applies now.
  if reach_apply(alert) > 0 then
    turnout_flush()
    turnout_changed(alert)
  end
end
return { 'done', jobs, 0, {} }
