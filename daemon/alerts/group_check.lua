#!lua flags=no-writes
-- Which of a batch of a child alert's members (a wave's, a follow-up's) are still in its
-- group of the parent's audience (alerts/target_group.h), checked just before they are
-- sent. Reads only the parent's keys, in the parent's slot; the send's prepare step then
-- records the others' state in the child's (dispatch/prepare.lua).
-- KEYS[1] alert:{parent}, then the parent's keys the rule reads, as group_slice.lua takes
-- them (declared; group_lib.lua names them from KEYS[1])
-- ARGV[1] the group, then the member ids
-- Returns per member "" when in the group, else the state that says why not
-- (group_left_state: skipped:answered, skipped:left_group).
--!include alerts/group_lib.lua
local parent, group = KEYS[1], ARGV[1]
local out = {}
for i = 2, #ARGV do
  out[#out + 1] = group_member(parent, ARGV[i], group) and '' or group_left_state(group)
end
return out
