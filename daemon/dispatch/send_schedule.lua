#!lua
-- Schedules an alert whose send_at is ahead: the checks of send_start.lua on the audience as
-- it is now (the staged copy, deleted here: nothing is frozen until the alert is sent),
-- then, at once, the state `scheduled`, its audit entry and the scheduler's item
-- "send|<id>" on the alert's outbox of scheduler items, which the caller applies to the
-- scheduler after (schedule/schedule_outbox.h; a crash in between is made up by the relay's
-- sweep), so a scheduled alert is never left without the item that sends it. The item is
-- added as the scheduler's own schedule_item.lua does (not over one running now).
-- KEYS[1] alert:{id}, KEYS[2] the staged audience, KEYS[3] alert:{id}:audit (its trail),
-- KEYS[4] alert:{id}:schedule_out (its scheduler items)
-- ARGV[1] now (ms), ARGV[2] actor name, ARGV[3] approval threshold, ARGV[4] alert id,
-- ARGV[5] send_at (ms), ARGV[6] the actor's token id
-- Returns { status, state after, audience size now }, status "scheduled", "not_found",
-- "wrong_state", "needs_approval" or "expired".
--!include alerts/audited_lib.lua
local alert, staged, trail, outbox = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, actor, threshold, id = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local send_at, token = ARGV[5], ARGV[6]
local f = redis.call('HMGET', alert, 'state', 'created_by_token', 'approved_by_token',
                     'expires_at_ms')
local size = redis.call('SCARD', staged)
redis.call('UNLINK', staged)  -- freed by a Redis thread
if not f[1] then return { 'not_found', '', 0 } end
local state = f[1]
if state ~= 'draft' and state ~= 'approved' then return { 'wrong_state', state, 0 } end
local expires = tonumber(f[4] or '0') or 0
if expires > 0 and expires <= tonumber(now) then return { 'expired', state, 0 } end
if size > threshold and (state ~= 'approved' or f[3] == f[2]) then
  return { 'needs_approval', state, size }
end
redis.call('HSET', alert, 'state', 'scheduled', 'send_at_ms', send_at, 'scheduled_by', actor)
audited(trail, 'actor', actor, 'action', 'alert.schedule', 'subject', id,
           'detail', 'send_at_ms=' .. send_at .. ' members_now=' .. size .. ' token=' .. token)
redis.call('XADD', outbox, '*', 'op', 'add_unless_running', 'item', 'send|' .. id,
           'due', send_at)
return { 'scheduled', 'scheduled', size }
