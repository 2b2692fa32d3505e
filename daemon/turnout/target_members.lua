#!lua
-- Counts members of an alert's frozen audience as targeted where each belongs, once per
-- member (HSETNX on alert:{id}:dims), in one slice of the audience (turnout/targeting.h).
-- The daemon reads each member's indexed values (member:{id}:idx) just before, in one
-- pipelined round trip, and passes them here: the script touches only the alert's own keys,
-- one hash slot, and does the least work per member while it holds Redis.
-- KEYS[1] the alert (turnout_keys.h alert: the fragment's base)
-- ARGV in groups of five per member: id, region, sector, local, title ('' for none)
-- Returns how many of them were newly counted.
--!include turnout/reach_lib.lua
local base = KEYS[1]
local counted = 0
for i = 1, #ARGV, 5 do
  local place = turnout_place_of(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4])
  if turnout_target(base, ARGV[i], place) then counted = counted + 1 end
end
turnout_flush()
if counted > 0 then turnout_changed(base) end
return counted
