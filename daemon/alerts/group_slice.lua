#!lua
-- Plans one slice of a child alert's audience (a wave or a follow-up): adds to the
-- destination set the members of the slice who are in the target group now
-- (alerts/group_audience.h). A 150,000-member parent is walked in slices, so Redis is
-- never blocked for long.
-- KEYS[1] alert:{parent}, KEYS[2] the destination SET (a child's audience, a preview's
-- private copy), then the parent's keys the rule reads: KEYS[3] alert:{parent}:rsvp,
-- KEYS[4] :unknown, KEYS[5] :seat, KEYS[6] :waiting, KEYS[7] :delivery, KEYS[8]
-- :unreachable (declared; group_lib.lua names them from KEYS[1])
-- ARGV[1] the group (alerts/target_group.h), then the slice's member ids
-- Returns how many members were added.
-- The destination is not under the parent's hash tag.
--!include alerts/group_lib.lua
local parent, destination, group = KEYS[1], KEYS[2], ARGV[1]
local chosen = {}
for i = 2, #ARGV do
  if group_member(parent, ARGV[i], group) then chosen[#chosen + 1] = ARGV[i] end
end
if #chosen == 0 then return 0 end
return redis.call('SADD', destination, unpack(chosen))
