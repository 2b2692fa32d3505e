#!lua
-- Members' short check-in codes, each made once per alert (checkin/checkin_scripts.h): a
-- member's code made before is kept; else the first candidate no other member of that
-- alert holds becomes theirs.
-- Per member i (from 0), three keys: KEYS[3i+1] the alert, KEYS[3i+2] its checkin_code_of,
-- KEYS[3i+3] its checkin_codes
-- ARGV[1] k, then per member: member id and k candidate codes
-- Returns per member their code, 'taken' (every candidate belongs to another member: draw
-- new ones) or 'no_alert'.
local k = tonumber(ARGV[1])
local out = {}
for b = 2, #ARGV, k + 1 do
  local n = (b - 2) / (k + 1)
  local alert, code_of, codes = KEYS[3 * n + 1], KEYS[3 * n + 2], KEYS[3 * n + 3]
  local member = ARGV[b]
  local code = redis.call('HGET', code_of, member)
  if not code then
    if redis.call('EXISTS', alert) == 0 then
      code = 'no_alert'
    else
      code = 'taken'
      for i = b + 1, b + k do
        if redis.call('HSETNX', codes, ARGV[i], member) == 1 then
          redis.call('HSET', code_of, member, ARGV[i])
          code = ARGV[i]
          break
        end
      end
    end
  end
  out[#out + 1] = code
end
return out
