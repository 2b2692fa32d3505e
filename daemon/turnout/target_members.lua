#!lua
-- Counts members of an alert's frozen audience as targeted where each belongs, once per
-- member (HSETNX on alert:{id}:dims), in one slice of the audience (turnout/targeting.h).
-- KEYS[1] the alert (turnout_keys.h alert: the fragment's base)
-- ARGV[1..] member ids
-- Returns how many of them were newly counted.
-- The fragment reads each new member's place from member:{id}:idx (the members' index).
--!include turnout/reach_lib.lua
local base = KEYS[1]
local counted = 0
for i = 1, #ARGV do
  if turnout_target(base, ARGV[i], nil) then counted = counted + 1 end
end
turnout_flush()
if counted > 0 then turnout_changed(base) end
return counted
