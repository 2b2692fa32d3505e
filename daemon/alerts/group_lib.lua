-- Included by the scripts that apply the rule of alerts/target_group.h (whether a
-- member of an alert's audience is in a group a wave or a follow-up goes to): the child's
-- planning (alerts/group_slice.lua) and the prepare step of each message.
--   group_member(parent_base, member, group)  true when the member is in the group now;
--                                             parent_base is "alert:{parent id}", and the
--                                             parent's :rsvp, :unknown, :seat, :waiting,
--                                             :delivery and :unreachable keys are built from
--                                             it (all under the parent's hash tag)
--   group_left_state(group)                   "skipped:answered" for no_answer, else
--                                             "skipped:left_group"
local function group_member(parent, member, group)
  if group == 'no_answer' then
    return redis.call('HEXISTS', parent .. ':rsvp', member) == 0 and
           redis.call('HEXISTS', parent .. ':unknown', member) == 0
  elseif group == 'yes' or group == 'maybe' or group == 'yes_with_bus' then
    -- The stored RSVP (replies/rsvp_record.h): answer, bus seats, ... joined by \31.
    local rsvp = redis.call('HGET', parent .. ':rsvp', member)
    if not rsvp then return false end
    local answer, bus = string.match(rsvp, '^([^\031]*)\031([^\031]*)')
    if group == 'yes_with_bus' then return answer == 'yes' and (tonumber(bus) or 0) > 0 end
    return answer == group
  elseif group == 'seated_unconfirmed' then
    -- The seat (seats/seat_lib.lua): pickup, bus, seats, at_ms, confirmed, joined by \31.
    local seat = redis.call('HGET', parent .. ':seat', member)
    return seat ~= false and seat ~= nil and string.sub(seat, -1) ~= '1'
  elseif group == 'waitlisted' then
    return redis.call('HEXISTS', parent .. ':waiting', member) == 1
  elseif group == 'not_delivered' then
    local states = redis.call('HMGET', parent .. ':delivery', member .. ':sms',
                              member .. ':email')
    local settled = false
    for _, state in ipairs(states) do
      if state then
        if state == 'sent' or state == 'delivered' or state == 'retrying' then return false end
        settled = true
      end
    end
    return settled or redis.call('SISMEMBER', parent .. ':unreachable', member) == 1
  end
  return false
end
local function group_left_state(group)
  return group == 'no_answer' and 'skipped:answered' or 'skipped:left_group'
end
