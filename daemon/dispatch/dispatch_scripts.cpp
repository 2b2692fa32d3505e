#include "dispatch/dispatch_scripts.h"

#include <string>

#include "alerts/target_group.h"
#include "turnout/reach_lua.h"

namespace tocsin::dispatch {

// Both scripts start with turnout/reach_lua.h: each member's best delivery state moves
// the alert's reach counts, and the prepare step counts the members of fresh jobs as
// targeted (once each) if the targeting pass at send has not yet.
const redis::Script& prepare_script() {
  static const redis::Script script(std::string(turnout::kReachLua) +
                                    std::string(escalation::kGroupLua) + R"lua(
local id, mode, channels = ARGV[1], ARGV[2], ARGV[3]
local base = 'alert:{' .. id .. '}'
local delivery, owners, counts = base .. ':delivery', base .. ':to', base .. ':count'
local chosen = { sms = channels == 'sms' or channels == 'both',
                 email = channels == 'email' or channels == 'both' }
-- A child (a wave or a follow-up) goes only to those still in its group of the parent's
-- audience (alerts/target_group.h), checked here, just before each is sent; its RSVP
-- links are the parent's, since answers count there.
local child = redis.call('HMGET', base, 'parent', 'target_group')
local parent, group = child[1], child[2]
local links = (parent and 'alert:{' .. parent .. '}' or base) .. ':links'
local left_group = false  -- the member being prepared has left the group: their state

-- The member's states by channel, read when first needed (false: none): as found, and
-- as this call leaves them, for the member's reach (turnout/reach_lua.h).
local found, states, dirty
local function state_of(member, channel)
  if states[channel] == nil then
    local state = redis.call('HGET', delivery, member .. ':' .. channel)
    found[channel], states[channel] = state, state
  end
  return states[channel] or nil
end
local function set_state(member, channel, state)
  state_of(member, channel)
  redis.call('HSET', delivery, member .. ':' .. channel, state)
  redis.call('HINCRBY', counts, string.match(state, '^[^:]*'), 1)
  states[channel] = state
  dirty = true
end

-- A retry (retry_channel set) writes no state here: its member leaves q:retry only through
-- the record step, which keeps retries_pending right. A fresh job's final states are
-- written at once.
local function decide(member, channel, address, retry_channel)
  local retry = retry_channel ~= ''
  -- A retry may be on a channel the alert did not choose: an SMS falling back to email.
  if not chosen[channel] and not retry then return 'none' end
  if retry and retry_channel ~= channel then return 'none' end
  local state = state_of(member, channel)
  if retry then
    if state ~= 'retrying' then return 'done' end  -- settled meanwhile
  elseif state then
    return 'done'
  end
  local final
  if not address or address == '' then
    if not retry then return 'none' end
    final = 'skipped:no_address'
  elseif mode == 'expire' then
    final = 'expired'
  elseif left_group then
    final = left_group
  elseif redis.call('SISMEMBER', 'optout:' .. channel, address) == 1 then
    final = 'opted_out'
  else
    local owner = redis.call('HGET', owners, address)
    if owner and owner ~= member then
      final = 'skipped:shared'
    else
      if not owner then redis.call('HSET', owners, address, member) end
      return 'send'
    end
  end
  if not retry then set_state(member, channel, final) end
  return final
end

local out = {}
local changed = false
-- Once the targeting pass (turnout/targeting.h) has counted the whole audience, members
-- need not be counted here.
local targeted = redis.call('HGET', base, 'turnout_targeted') == '1'
local i = 4
while i <= #ARGV do
  local member, tag, retry_channel = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  i = i + 3
  local bytes = redis.call('GET', 'member:' .. member)
  local idx
  if targeted or retry_channel ~= '' then
    idx = redis.call('HMGET', 'member:' .. member .. ':idx', 'mobile', 'email')
  else
    idx = redis.call('HMGET', 'member:' .. member .. ':idx', 'mobile', 'email', 'region',
                     'sector', 'local', 'title')
    local place = turnout_place_of(idx[3] or '', idx[4], idx[5], idx[6])
    if turnout_target(base, member, place) then changed = true end
  end
  found, states, dirty = {}, {}, false
  left_group = parent and not group_member('alert:{' .. parent .. '}', member, group) and
               group_left_state(group)
  local codes = {}
  for _, channel in ipairs({ 'sms', 'email' }) do
    if bytes then
      codes[channel] = decide(member, channel, idx[channel == 'sms' and 1 or 2], retry_channel)
    else
      -- Removed from the roster since the audience was frozen.
      codes[channel] = decide(member, channel, nil, retry_channel)
      if codes[channel] == 'none' and chosen[channel] and retry_channel == '' and
         not state_of(member, channel) then
        set_state(member, channel, 'skipped:removed')
        codes[channel] = 'skipped:removed'
      elseif codes[channel] == 'skipped:no_address' then
        codes[channel] = 'skipped:removed'
      end
    end
  end
  if retry_channel == '' and codes.sms == 'none' and codes.email == 'none' and
     not reach_best(state_of(member, 'sms'), state_of(member, 'email')) then
    -- No address on the alert's channels: nothing is ever sent, so the member counts as
    -- skipped rather than pending forever (alert:{id}:unreachable, no delivery state).
    if redis.call('SADD', base .. ':unreachable', member) == 1 then
      turnout_count(base, ':reach', turnout_place(base, member), 'skipped', 1)
      changed = true
    end
  elseif dirty then
    state_of(member, 'sms')
    state_of(member, 'email')
    reach_log(base, member, reach_best(found.sms or nil, found.email or nil),
              reach_best(states.sms or nil, states.email or nil))
  end
  if codes.sms == 'send' or codes.email == 'send' then
    if tag ~= '' then redis.call('HSETNX', links, tag, member) end
  else
    bytes = ''
  end
  out[#out + 1] = { member, bytes or '', codes.sms, codes.email, idx[1] or '', idx[2] or '' }
end
if #reach_log_flush() > 0 then changed = true end
turnout_flush()
if changed then turnout_changed(base) end
return out
)lua");
  return script;
}

const redis::Script& record_script() {
  static const redis::Script script(std::string(turnout::kReachLua) + R"lua(
local now, group, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
local touched, order = {}, {}
local function touch(id)
  if not touched[id] then touched[id] = true; order[#order + 1] = id end
end
local function keys_of(id)
  local base = 'alert:{' .. id .. '}'
  return base, base .. ':delivery', base .. ':count', base .. ':sent'
end
local function kind(state) return string.match(state, '^[^:]*') end
local function record_opt_out(channel, address, member)
  if address == '' then return end
  redis.call('SADD', 'optout:' .. channel, address)
  if channel == 'sms' then
    local holders = redis.call('SMEMBERS', 'phone:' .. address)
    if #holders > 0 then redis.call('SADD', 'optout:sms:members', unpack(holders)) end
  else
    redis.call('SADD', 'optout:email:members', member)
  end
end

local receipt_ttl = ARGV[4]
for i = 0, n - 1 do
  local b = 5 + i * 9
  local op, id, a, c = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
  local v1, v2, v3, v4, v5 = ARGV[b + 4], ARGV[b + 5], ARGV[b + 6], ARGV[b + 7], ARGV[b + 8]
  local alert, delivery, counts, sent = keys_of(id)
  if op == 'a' then
    if redis.call('XACK', a, group, c) == 1 then
      redis.call('XDEL', a, c)
      redis.call('HINCRBY', alert, 'jobs_pending', -1)
      touch(id)
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
      if remove ~= '' then redis.call('ZREM', 'q:retry', remove) end
      if open then
        local state = op == 'r' and v1 or 'cancelled'
        if state == 'sent' then
          redis.call('HSET', sent, field, v2)
          if v5 ~= '' then
            redis.call('SET', v5, id .. '|' .. a .. '|' .. c, 'EX', receipt_ttl)
            -- A receipt that arrived before this record (receipt_store.cpp) wins.
            local early = redis.call('GET', v5 .. ':early')
            if early then
              redis.call('DEL', v5 .. ':early')
              state = early
            end
          end
        end
        redis.call('HSET', delivery, field, state)
        redis.call('HINCRBY', counts, kind(state), 1)
        if state == 'opted_out' then record_opt_out(c, v4, a) end
        local new_sms = c == 'sms' and state or sms_state
        local new_email = c == 'email' and state or email_state
        reach_log(alert, a, reach_best(sms_state, email_state), reach_best(new_sms, new_email))
        if old == 'retrying' then
          redis.call('HINCRBY', counts, 'retrying', -1)
          redis.call('HINCRBY', alert, 'retries_pending', -1)
          touch(id)
        end
      end
    elseif op == 'q' then
      if v4 ~= '' then redis.call('ZREM', 'q:retry', v4) end
      if open then
        if not old then
          redis.call('HSET', delivery, field, 'retrying')
          redis.call('HINCRBY', counts, 'retrying', 1)
          redis.call('HINCRBY', alert, 'retries_pending', 1)
        end
        redis.call('ZADD', 'q:retry', v1, v3)
      end
    end
  end
end

local finished = 0
for _, id in ipairs(order) do
  local alert, _, counts = keys_of(id)
  local f = redis.call('HMGET', alert, 'state', 'jobs_pending', 'retries_pending')
  if f[1] == 'sending' and tonumber(f[2] or '0') <= 0 and tonumber(f[3] or '0') <= 0 then
    redis.call('HSET', alert, 'state', 'sent', 'finished_at_ms', now)
    local c = redis.call('HMGET', counts, 'sent', 'failed', 'opted_out', 'expired')
    local detail = 'sent=' .. (c[1] or 0) .. ' failed=' .. (c[2] or 0) ..
                   ' opted_out=' .. (c[3] or 0) .. ' expired=' .. (c[4] or 0)
    redis.call('XADD', 'audit', '*', 'actor', 'tocsind', 'action', 'alert.sent', 'subject', id,
               'detail', detail)
    -- The alert's own trail (alerts/alert_scripts.h, kAuditedLua).
    redis.call('XADD', alert .. ':audit', '*', 'actor', 'tocsind', 'action', 'alert.sent',
               'subject', id, 'detail', detail)
    finished = finished + 1
  end
end
-- After the states above: an alert that just became `sent` applies its whole log.
local moved = reach_log_flush()
turnout_flush()
for _, base in ipairs(moved) do turnout_changed(base) end
return finished
)lua");
  return script;
}

const redis::Script& take_retries_script() {
  static const redis::Script script(R"lua(
local now, lease, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)
for _, entry in ipairs(due) do redis.call('ZADD', KEYS[1], now + lease, entry) end
return due
)lua");
  return script;
}

}  // namespace tocsin::dispatch
