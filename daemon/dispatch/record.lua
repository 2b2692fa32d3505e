#!lua
-- The record step, after sending, for one alert: its members' delivery states, gateway
-- message ids, counts, retries and finished jobs, and `sent` when its last job and retry
-- are done and every job is queued (dispatch/finish_lib.lua), with its audit entry. Every
-- key is the alert's. What the same batch changes elsewhere the recorder writes in each
-- key's own slot (recorder.h): an opt-out's registry before this call; the shared retry
-- queue, the jobs' acknowledgements and the receipt mappings after it. Replaying a call
-- changes nothing (a reply lost to a dropped connection is simply sent again). The
-- members' reach follows (turnout/reach_lib.lua).
-- KEYS[1] alert:{id}, KEYS[2] its :delivery, KEYS[3] its :count, KEYS[4] its :sent,
-- KEYS[5] its :audit (its trail), KEYS[6] its :retries, KEYS[7] its :jobs_done
-- ARGV[1] now (ms), ARGV[2] the alert id, ARGV[3] item count, then six fields per item:
--   "r" member channel state   message_id  retry_entry_to_remove
--   "q" member channel due_ms  retry_entry_to_add  retry_entry_to_remove
--   "c" member channel ""      ""          retry_entry_to_remove
--   "a" job_entry_id   ""      ""          ""      ""
-- (channel: "sms" or "email", the two a member's state is kept for)
-- r: a final state (sent, failed:<reason>, opted_out, expired, skipped:<why>); ignored when
--    the member already has a final state.
-- q: waiting for a retry at due_ms. The entry is kept in :retries (entry -> due ms), the
--    alert's own record of what it waits for: the recorder adds it to the shared q:retry
--    after this call, and a start puts back what a crash left out (retry_repair.h).
-- c: a retry dropped because the alert was cancelled.
-- a: a job whose messages are all recorded: one job less pending, the first time only
--    (:jobs_done holds the send queue's entry ids done); the recorder acknowledges it after.
-- Returns 1 when the alert became `sent`, else 0.
--!include turnout/reach_lib.lua
--!include alerts/audited_lib.lua
--!include dispatch/finish_lib.lua
--!include dispatch/hash_batch_lib.lua
local alert, delivery, counts, sent, trail = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local retries, jobs_done = KEYS[6], KEYS[7]
local now, id, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
local function kind(state) return string.match(state, '^[^:]*') end
-- The call's changes to the counts and the pending jobs and retries, summed and written
-- once each at the end: a blast records hundreds of messages per call, nearly all in one
-- state, and each write costs Redis time and AOF bytes.
local count_changes, counted = {}, {}
local function count(state, delta)
  if not count_changes[state] then
    count_changes[state] = 0
    counted[#counted + 1] = state
  end
  count_changes[state] = count_changes[state] + delta
end
local jobs_done_now, retries_delta = 0, 0
-- Whether a job finished or a retry settled: only then can the alert have become `sent`.
local may_finish = false

-- The members' states are read first and written at the end (dispatch/hash_batch_lib.lua):
-- `states` is what this call sees, as read, then as it leaves them.
local wanted = {}
for i = 0, n - 1 do
  local b = 4 + i * 6
  if ARGV[b] ~= 'a' then
    -- The item's own channel is one of these two.
    hash_batch_want(wanted, ARGV[b + 1] .. ':sms')
    hash_batch_want(wanted, ARGV[b + 1] .. ':email')
  end
end
local states = hash_batch_read(delivery, wanted)
local state_writes, sent_writes = {}, {}
local function set_state(field, state)
  states[field] = state
  hash_batch_set(state_writes, field, state)
end

for i = 0, n - 1 do
  local b = 4 + i * 6
  local op, a, c = ARGV[b], ARGV[b + 1], ARGV[b + 2]
  local v1, v2, remove = ARGV[b + 3], ARGV[b + 4], ARGV[b + 5]
  if op == 'a' then
    if redis.call('SADD', jobs_done, a) == 1 then
      jobs_done_now = jobs_done_now + 1
      may_finish = true
    end
  else
    local sms_field, email_field = a .. ':sms', a .. ':email'
    local field = c == 'sms' and sms_field or email_field
    -- Both channels' states: the member's reach is the better of the two.
    local sms_state, email_state = states[sms_field] or nil, states[email_field] or nil
    local old = states[field] or nil
    local open = (not old) or old == 'retrying'
    if remove ~= '' then redis.call('ZREM', retries, remove) end
    if op == 'r' or op == 'c' then
      if open then
        local state = op == 'r' and v1 or 'cancelled'
        if state == 'sent' then hash_batch_set(sent_writes, field, v2) end
        set_state(field, state)
        count(kind(state), 1)
        local new_sms = c == 'sms' and state or sms_state
        local new_email = c == 'email' and state or email_state
        reach_log(alert, a, reach_best(sms_state, email_state), reach_best(new_sms, new_email))
        if old == 'retrying' then
          count('retrying', -1)
          retries_delta = retries_delta - 1
          may_finish = true
        end
      end
    elseif op == 'q' then
      if open then
        if not old then
          set_state(field, 'retrying')
          count('retrying', 1)
          retries_delta = retries_delta + 1
        end
        redis.call('ZADD', retries, v1, v2)
      end
    end
  end
end
hash_batch_flush(sent, sent_writes)
hash_batch_flush(delivery, state_writes)

for _, state in ipairs(counted) do
  if count_changes[state] ~= 0 then redis.call('HINCRBY', counts, state, count_changes[state]) end
end
if jobs_done_now > 0 then redis.call('HINCRBY', alert, 'jobs_pending', -jobs_done_now) end
if retries_delta ~= 0 then redis.call('HINCRBY', alert, 'retries_pending', retries_delta) end
local finished = 0
if may_finish and finish_if_done(alert, counts, trail, id, now) then finished = 1 end
-- After the states above: an alert that just became `sent` applies its whole log.
if #reach_log_flush() > 0 then
  turnout_flush()
  turnout_changed(alert)
end
return finished
