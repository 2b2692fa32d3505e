#!lua
-- Applies an alert's reach log now (turnout/reach_lib.lua logs the delivery path's moves
-- while an alert is sending), for a reader that wants the counts exact.
-- KEYS[1] the alert (turnout_keys.h alert: the fragment's base), KEYS[2] its reach log
-- Returns the number of moves applied (0 when there is no log).
--!include turnout/reach_lib.lua
local base = KEYS[1]
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
local moved = reach_apply(base)
turnout_flush()
if moved > 0 then turnout_changed(base) end
return moved
