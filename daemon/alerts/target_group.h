#pragma once
// The groups of an alert's audience that a wave or a follow-up goes to (issue 8), and the
// one rule deciding whether a member is in one. The rule is written in Lua (kGroupLua),
// because Redis applies it twice: when the child's audience is planned (group_audience.h)
// and again for each member just before their message is prepared (dispatch's prepare
// script), so a member who answers in between is not reminded.
//
//   no_answer      no RSVP and no unclear reply waiting
//   yes / maybe    the member's current RSVP is that answer
//   yes_with_bus   yes, with at least one bus seat
//   seated_unconfirmed  holding a bus seat not yet confirmed (the seat confirmation's wave)
//   waitlisted     waiting for a bus seat
//   not_delivered  no channel of the parent was sent to or delivered to the member, and
//                  the parent is done with them (a final state on some channel, or no
//                  address on its channels): "their SMS failed"

#include <string_view>

namespace tocsin::escalation {

inline constexpr std::string_view kTargetGroups[] = {
    "no_answer", "yes", "maybe", "yes_with_bus", "seated_unconfirmed", "waitlisted",
    "not_delivered"};

bool is_target_group(std::string_view name);

// "no_answer, yes, ..., or not_delivered", for error messages.
std::string_view target_group_list();

// Why a member planned for a child is not sent it after all: "skipped:answered" for
// no_answer, "skipped:left_group" otherwise (a yes turned no gets no bus details).
std::string_view left_group_state(std::string_view group);

// Lua, prepended to a script. Functions:
//   group_member(parent_base, member, group)  true when the member is in the group now;
//                                             parent_base is "alert:{parent id}"
//   group_left_state(group)                   left_group_state() above
inline constexpr std::string_view kGroupLua = R"lua(
local function group_member(parent, member, group)
  if group == 'no_answer' then
    return redis.call('HEXISTS', parent .. ':rsvp', member) == 0 and
           redis.call('HEXISTS', parent .. ':unknown', member) == 0
  elseif group == 'yes' or group == 'maybe' or group == 'yes_with_bus' then
    -- The stored RSVP (turnout/rsvp_record.h): answer, bus seats, ... joined by \31.
    local rsvp = redis.call('HGET', parent .. ':rsvp', member)
    if not rsvp then return false end
    local answer, bus = string.match(rsvp, '^([^\031]*)\031([^\031]*)')
    if group == 'yes_with_bus' then return answer == 'yes' and (tonumber(bus) or 0) > 0 end
    return answer == group
  elseif group == 'seated_unconfirmed' then
    -- The seat (seats/seat_lua.h): pickup, bus, seats, at_ms, confirmed, joined by \31.
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
)lua";

}  // namespace tocsin::escalation
