#!lua flags=no-writes
-- Plans one slice of a child alert's audience (a wave or a follow-up): which members of
-- the slice are in the target group now (alerts/group_audience.h). A 150,000-member parent
-- is walked in slices, so Redis is never blocked for long; the caller stores the chosen
-- (a child's staged audience, a preview's private copy). Reads only the parent's keys, all
-- under its hash tag.
-- KEYS[1] alert:{parent}, then the parent's keys the rule reads: KEYS[2]
-- alert:{parent}:rsvp, KEYS[3] :unknown, KEYS[4] :seat, KEYS[5] :waiting, KEYS[6] :delivery,
-- KEYS[7] :unreachable (declared; group_lib.lua names them from KEYS[1])
-- ARGV[1] the group (alerts/target_group.h), then the slice's member ids
-- Returns the ids in the group, in the order given.
--!include alerts/group_lib.lua
local parent, group = KEYS[1], ARGV[1]
local chosen = {}
for i = 2, #ARGV do
  if group_member(parent, ARGV[i], group) then chosen[#chosen + 1] = ARGV[i] end
end
return chosen
