#!lua
-- The record step, after sending: delivery states, gateway message ids, counters, retries
-- into q:retry, job acknowledgements, and `sent` when an alert's last job and retry are
-- done and every job is queued (dispatch/finish_lib.lua), with its audit entry. Replaying
-- a batch changes nothing (a reply lost to a dropped connection is simply sent again). The
-- members' reach follows (turnout/reach_lib.lua).
-- KEYS[1] q:retry, KEYS[2] optout:sms, KEYS[3] optout:email, KEYS[4] optout:sms:members,
-- KEYS[5] optout:email:members, then for each alert of the batch five: alert:{id}, its
-- :delivery, its :count, its :sent, its :audit (its trail); then the items' own keys
-- (below), each item naming its keys by their index in KEYS.
-- ARGV[1] now (ms), ARGV[2] the consumer group, ARGV[3] item count, ARGV[4] receipt TTL (s),
-- then ten fields per item: op, alert id, index of the alert's five keys, then
--   "r" member channel state message_id retry_entry_to_remove address own
--   "q" member channel due_ms ""        retry_entry_to_add    retry_entry_to_remove ""
--   "a" queue   entry_id ""    ""        ""                    ""       ""
--   "c" member channel ""      ""        ""                    retry_entry_to_remove ""
-- r: a final state (sent, failed:<reason>, opted_out, expired, cancelled); ignored when the
--    member already has a final state. `own` is "" or the index in KEYS of the item's keys:
--    for "sent" through a gateway with receipts, msg:<gateway>:<message id> (mapped to
--    "alert|member|channel" for delivery receipts, receipt_store.h) then its :early key; for
--    "opted_out" on sms, phone:<address> (whose holders become opted out). opted_out also
--    adds the address to the channel's registry.
-- q: waiting for a retry at due_ms. c: a retry dropped because the alert was cancelled.
-- a: the job is done (queue: the index of its stream in KEYS): XACK, XDEL, one job less
--    pending (only the first time).
-- Returns the number of alerts that became `sent`.
--!include turnout/reach_lib.lua
--!include alerts/audited_lib.lua
--!include dispatch/finish_lib.lua
local retries = KEYS[1]
local opt_outs = { sms = KEYS[2], email = KEYS[3] }
local opted_out_members = { sms = KEYS[4], email = KEYS[5] }
local now, group, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
local touched, order = {}, {}
local function touch(id, at)
  if not touched[id] then touched[id] = at; order[#order + 1] = id end
end
local function keys_at(at)
  at = tonumber(at)
  return KEYS[at], KEYS[at + 1], KEYS[at + 2], KEYS[at + 3], KEYS[at + 4]
end
local function kind(state) return string.match(state, '^[^:]*') end
-- The delivery counts' changes of this call, summed per alert and state and written once
-- each at the end: a blast records hundreds of messages per call, nearly all in one state,
-- and each write costs Redis time and AOF bytes.
local count_changes, counted = {}, {}
local function count(counts, state, delta)
  local changes = count_changes[counts]
  if not changes then
    changes = { order = {} }
    count_changes[counts] = changes
    counted[#counted + 1] = counts
  end
  if not changes[state] then
    changes[state] = 0
    changes.order[#changes.order + 1] = state
  end
  changes[state] = changes[state] + delta
end
local function flush_counts()
  for _, counts in ipairs(counted) do
    local changes = count_changes[counts]
    for _, state in ipairs(changes.order) do
      redis.call('HINCRBY', counts, state, changes[state])
    end
  end
end
local function record_opt_out(channel, address, member, holders_key)
  if address == '' then return end
  redis.call('SADD', opt_outs[channel], address)
  if channel == 'sms' then
    local holders = redis.call('SMEMBERS', holders_key)
    if #holders > 0 then redis.call('SADD', opted_out_members.sms, unpack(holders)) end
  else
    redis.call('SADD', opted_out_members.email, member)
  end
end

local receipt_ttl = ARGV[4]
for i = 0, n - 1 do
  local b = 5 + i * 10
  local op, id, at, a, c = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4]
  local v1, v2, v3, v4, v5 = ARGV[b + 5], ARGV[b + 6], ARGV[b + 7], ARGV[b + 8], ARGV[b + 9]
  local alert, delivery, counts, sent = keys_at(at)
  if op == 'a' then
    local queue = KEYS[tonumber(a)]
    if redis.call('XACK', queue, group, c) == 1 then
      redis.call('XDEL', queue, c)
      redis.call('HINCRBY', alert, 'jobs_pending', -1)
      touch(id, at)
    end
  else
    local field = a .. ':' .. c
    -- Both channels' states: the member's reach is the better of the two.
    local both = redis.call('HMGET', delivery, a .. ':sms', a .. ':email')
    local sms_state, email_state = both[1] or nil, both[2] or nil
    local old
    if c == 'sms' then old = sms_state elseif c == 'email' then old = email_state
    else old = redis.call('HGET', delivery, field) end
    local open = (not old) or old == 'retrying'
    if op == 'r' or op == 'c' then
      local remove = op == 'r' and v3 or v4
      if remove ~= '' then redis.call('ZREM', retries, remove) end
      if open then
        local state = op == 'r' and v1 or 'cancelled'
        if state == 'sent' then
          redis.call('HSET', sent, field, v2)
          if op == 'r' and v5 ~= '' then
            local receipt, early_key = KEYS[tonumber(v5)], KEYS[tonumber(v5) + 1]
            redis.call('SET', receipt, id .. '|' .. a .. '|' .. c, 'EX', receipt_ttl)
            -- A receipt that arrived before this record (receipt_store.cpp) wins.
            local early = redis.call('GET', early_key)
            if early then
              redis.call('DEL', early_key)
              state = early
            end
          end
        end
        redis.call('HSET', delivery, field, state)
        count(counts, kind(state), 1)
        if state == 'opted_out' then
          record_opt_out(c, v4, a, v5 ~= '' and KEYS[tonumber(v5)] or nil)
        end
        local new_sms = c == 'sms' and state or sms_state
        local new_email = c == 'email' and state or email_state
        reach_log(alert, a, reach_best(sms_state, email_state), reach_best(new_sms, new_email))
        if old == 'retrying' then
          count(counts, 'retrying', -1)
          redis.call('HINCRBY', alert, 'retries_pending', -1)
          touch(id, at)
        end
      end
    elseif op == 'q' then
      if v4 ~= '' then redis.call('ZREM', retries, v4) end
      if open then
        if not old then
          redis.call('HSET', delivery, field, 'retrying')
          count(counts, 'retrying', 1)
          redis.call('HINCRBY', alert, 'retries_pending', 1)
        end
        redis.call('ZADD', retries, v1, v3)
      end
    end
  end
end

flush_counts()  -- before the finished alerts' audit lines read them
local finished = 0
for _, id in ipairs(order) do
  local alert, _, counts, _, trail = keys_at(touched[id])
  if finish_if_done(alert, counts, trail, id, now) then finished = finished + 1 end
end
-- After the states above: an alert that just became `sent` applies its whole log.
local moved = reach_log_flush()
turnout_flush()
for _, base in ipairs(moved) do turnout_changed(base) end
return finished
