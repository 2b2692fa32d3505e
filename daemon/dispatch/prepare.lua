#!lua
-- The prepare step, before a job's members (or due retries) are sent: skips those with a
-- delivery state already (the idempotency check), records opt-outs, shared addresses and
-- expiry, claims each address for one member (alert:{id}:to), stores the RSVP link tags.
-- For a child alert (a wave, a follow-up), skips the members who have left its group of the
-- parent's audience since it was planned (skipped:answered for a reminder). It also keeps
-- the alert's reach counts (turnout/reach_lib.lua): each member counted once, at the best
-- state of their channels, and counted as targeted here for an alert an older tocsind
-- started (send_jobs.lua counts each job's members as it queues the job).
-- KEYS[1] alert:{id}, KEYS[2] its :delivery, KEYS[3] its :to, KEYS[4] its :count,
-- KEYS[5] its :unreachable, KEYS[6] the :links of the alert whose RSVP links are sent (the
-- parent's for a child, else its own), KEYS[7] the parent alert's hash (a child's group is
-- checked on it; an alert that is no child passes its own), KEYS[8] optout:sms,
-- KEYS[9] optout:email, then per member of ARGV, in order: member:<id>, member:<id>:idx.
-- ARGV[1] mode ("send" | "expire"), ARGV[2] channels ("sms" | "email" | "both"), then per
-- member three: member id, link tag, retry channel ("" for a job from the queue; "sms" or
-- "email" for a retry, which may only send that channel and only while its state is
-- "retrying").
-- Returns per member { member id, Member bytes or "", sms code, email code, mobile, email },
-- a code being "send"; "none" (channel not chosen, or no address); "done" (a state exists
-- already); or a final state: opted_out, expired, skipped:shared, skipped:removed,
-- skipped:answered, skipped:left_group. A job's final states are written here; a retry's
-- are left to the record step, which alone takes a member out of q:retry.
-- The fragments build the keys of the alert's turnout from KEYS[1] (turnout/reach_lib.lua),
-- of the parent's answers from KEYS[7] (alerts/group_lib.lua), and read a member's
-- member:<id>:idx for a place not yet stored.
--!include turnout/reach_lib.lua
--!include alerts/group_lib.lua
local base, delivery, owners, counts = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local unreachable, links, parent_base = KEYS[5], KEYS[6], KEYS[7]
local opt_outs = { sms = KEYS[8], email = KEYS[9] }
local mode, channels = ARGV[1], ARGV[2]
local chosen = { sms = channels == 'sms' or channels == 'both',
                 email = channels == 'email' or channels == 'both' }
-- A child (a wave or a follow-up) goes only to those still in its group of the parent's
-- audience (alerts/target_group.h), checked here, just before each is sent; its RSVP
-- links are the parent's, since answers count there.
local child = redis.call('HMGET', base, 'parent', 'target_group')
local parent, group = child[1], child[2]
local left_group = false  -- the member being prepared has left the group: their state

-- The member's states by channel, read when first needed (false: none): as found, and
-- as this call leaves them, for the member's reach (turnout/reach_lib.lua).
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
  elseif redis.call('SISMEMBER', opt_outs[channel], address) == 1 then
    final = 'opted_out'
  else
    -- Claimed by the first member to reach it (one call in the usual case: no owner yet).
    if redis.call('HSETNX', owners, address, member) == 1 or
       redis.call('HGET', owners, address) == member then
      return 'send'
    end
    final = 'skipped:shared'
  end
  if not retry then set_state(member, channel, final) end
  return final
end

local out = {}
local changed = false
-- Members are counted as targeted as their jobs are queued (dispatch/send_jobs.lua), and
-- send_start.lua says so; only an alert an older tocsind started counts them here.
local targeted = redis.call('HGET', base, 'turnout_targeted') == '1'
local i, k = 3, 10
while i <= #ARGV do
  local member, tag, retry_channel = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local record, index = KEYS[k], KEYS[k + 1]
  i, k = i + 3, k + 2
  local bytes = redis.call('GET', record)
  local idx
  if targeted or retry_channel ~= '' then
    idx = redis.call('HMGET', index, 'mobile', 'email')
  else
    idx = redis.call('HMGET', index, 'mobile', 'email', 'region', 'sector', 'local', 'title')
    local place = turnout_place_of(idx[3] or '', idx[4], idx[5], idx[6])
    if turnout_target(base, member, place) then changed = true end
  end
  found, states, dirty = {}, {}, false
  left_group = parent and not group_member(parent_base, member, group) and
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
    if redis.call('SADD', unreachable, member) == 1 then
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
