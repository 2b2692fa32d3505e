#!lua
-- The prepare step, before a job's members (or due retries) are sent: skips those with a
-- delivery state already (the idempotency check), records opt-outs, shared addresses and
-- expiry, claims each address for one member (alert:{id}:to), stores the RSVP link tags.
-- For a child alert (a wave, a follow-up), records the state of the members who have left
-- its group of the parent's audience since it was planned (skipped:answered for a
-- reminder). It also keeps the alert's reach counts (turnout/reach_lib.lua): each member
-- counted once, at the best state of their channels, and counted as targeted here for an
-- alert an older tocsind started (send_jobs.lua counts each job's members as it queues
-- the job).
-- Every key is the alert's: what it needs of the members (their addresses, place and
-- opt-outs: members/members_for_send.lua) and of a child's parent (who left the group:
-- alerts/group_check.lua) the caller read just before, each in its own slot, and passes
-- as values. A child's RSVP links are the parent's: the caller writes those too.
-- KEYS[1] alert:{id}, KEYS[2] its :delivery, KEYS[3] its :to, KEYS[4] its :count,
-- KEYS[5] its :unreachable, KEYS[6] its :links
-- ARGV[1] mode ("send" | "expire"), ARGV[2] channels ("sms" | "email" | "both"), ARGV[3]
-- "1" to store the link tags here (the alert's own links), else "0"; then per member 9:
-- member id, link tag, retry channel ("" for a job from the queue; "sms" or "email" for a
-- retry, which may only send that channel and only while its state is "retrying"),
-- stored ("1" | "0": "0" once removed from the roster), mobile, email, place (encoded as
-- alert:{id}:dims keeps it, turnout::encode_place: the daemon builds it, not Redis), opted
-- out ("sms", "email", "both" or ""), left-group state ("" when in the group or no child)
-- Returns per member { member id, sms code, email code }, a code being "send"; "none"
-- (channel not chosen, or no address); "done" (a state exists already); or a final state:
-- opted_out, expired, skipped:shared, skipped:removed, skipped:answered,
-- skipped:left_group. A job's final states are written here; a retry's are left to the
-- record step, which alone takes a member out of q:retry.
-- The fragment builds the keys of the alert's turnout from KEYS[1] (turnout/reach_lib.lua).
--!include turnout/reach_lib.lua
--!include dispatch/hash_batch_lib.lua
local base, delivery, owners, counts = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local unreachable, links = KEYS[5], KEYS[6]
local mode, channels, links_here = ARGV[1], ARGV[2], ARGV[3] == '1'
local chosen = { sms = channels == 'sms' or channels == 'both',
                 email = channels == 'email' or channels == 'both' }
local PER_MEMBER = 9
-- Of the member being prepared: the state that says they left a child's group (false
-- while in it), and the channels whose address is in the opt-out registry.
local left_group = false
local opted = {}

-- What this call reads of the alert is read first and what it writes is written at its
-- end (dispatch/hash_batch_lib.lua); the tables below are what this call sees: as read,
-- then as it leaves them.
local stored_states, owned, linked
do
  local state_fields, addresses, tags = {}, {}, {}
  for i = 4, #ARGV, PER_MEMBER do
    hash_batch_want(state_fields, ARGV[i] .. ':sms')
    hash_batch_want(state_fields, ARGV[i] .. ':email')
    hash_batch_want(addresses, ARGV[i + 4])
    hash_batch_want(addresses, ARGV[i + 5])
    if links_here then hash_batch_want(tags, ARGV[i + 1]) end
  end
  stored_states = hash_batch_read(delivery, state_fields)  -- "member:channel" -> state
  owned = hash_batch_read(owners, addresses)  -- address -> the member who claimed it
  linked = hash_batch_read(links, tags)       -- link tag -> its member
end
local state_writes, owner_writes, link_writes = {}, {}, {}
local count_changes, counted = {}, {}

-- The member's states by channel (false: none): as found, and as this call leaves them,
-- for the member's reach (turnout/reach_lib.lua). Like `opted` and `codes`, emptied for
-- each member rather than made anew: a few hundred members a call, a table each adds up.
local found, states, dirty = {}, {}, false
local function state_of(member, channel)
  if states[channel] == nil then
    local state = stored_states[member .. ':' .. channel] or false
    found[channel], states[channel] = state, state
  end
  return states[channel] or nil
end
local function set_state(member, channel, state)
  state_of(member, channel)
  local field = member .. ':' .. channel
  stored_states[field] = state
  hash_batch_set(state_writes, field, state)
  local kind = string.match(state, '^[^:]*')
  if not count_changes[kind] then
    count_changes[kind] = 0
    counted[#counted + 1] = kind
  end
  count_changes[kind] = count_changes[kind] + 1
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
  elseif opted[channel] then
    final = 'opted_out'
  else
    -- Claimed by the first member to reach it.
    local owner = owned[address]
    if not owner then
      owned[address] = member
      hash_batch_set(owner_writes, address, member)
      return 'send'
    end
    if owner == member then return 'send' end
    final = 'skipped:shared'
  end
  if not retry then set_state(member, channel, final) end
  return final
end

local out = {}
local changed = false
local CHANNELS, codes = { 'sms', 'email' }, {}
-- Members are counted as targeted as their jobs are queued (dispatch/send_jobs.lua), and
-- send_start.lua says so; only an alert an older tocsind started counts them here.
local targeted = redis.call('HGET', base, 'turnout_targeted') == '1'
for i = 4, #ARGV, PER_MEMBER do
  local member, tag, retry_channel = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local stored = ARGV[i + 3] == '1'
  local mobile, email = ARGV[i + 4], ARGV[i + 5]
  local opted_out = ARGV[i + 7]
  opted.sms = opted_out == 'sms' or opted_out == 'both'
  opted.email = opted_out == 'email' or opted_out == 'both'
  left_group = ARGV[i + 8] ~= '' and ARGV[i + 8]
  local place = ARGV[i + 6]
  if not targeted and retry_channel == '' then
    if turnout_target(base, member, place) then changed = true end
  end
  found.sms, found.email, states.sms, states.email, dirty = nil, nil, nil, nil, false
  codes.sms, codes.email = nil, nil
  for _, channel in ipairs(CHANNELS) do
    if stored then
      codes[channel] = decide(member, channel, channel == 'sms' and mobile or email, retry_channel)
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
      turnout_count(base, ':reach', turnout_place(base, member, place), 'skipped', 1)
      changed = true
    end
  elseif dirty then
    state_of(member, 'sms')
    state_of(member, 'email')
    reach_log(base, member, reach_best(found.sms or nil, found.email or nil),
              reach_best(states.sms or nil, states.email or nil))
  end
  if links_here and tag ~= '' and (codes.sms == 'send' or codes.email == 'send') and
     not linked[tag] then
    linked[tag] = member
    hash_batch_set(link_writes, tag, member)
  end
  out[#out + 1] = { member, codes.sms, codes.email }
end
hash_batch_flush(delivery, state_writes)
hash_batch_flush(owners, owner_writes)
hash_batch_flush(links, link_writes)
for _, kind in ipairs(counted) do redis.call('HINCRBY', counts, kind, count_changes[kind]) end
if #reach_log_flush() > 0 then changed = true end
turnout_flush()
if changed then turnout_changed(base) end
return out
