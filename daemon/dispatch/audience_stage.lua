#!lua
-- Stages one slice of an alert's audience being frozen (dispatch/audience_freeze.h): adds
-- the slice's new members to the staged SET and appends them, in jobs of at most job_size
-- members, to the staged LIST of jobs still to queue. A member already staged is skipped
-- (SSCAN may hand one twice), so each member is in exactly one job. Each job is one
-- cmsgpack array of member ids (ids may hold any byte). Both keys expire, so the staging of
-- a daemon killed mid-walk goes away by itself; send_start.lua keeps them (PERSIST).
-- KEYS[1] alert:{id}:audience:staging:<n> (SET), KEYS[2] alert:{id}:jobs:staging:<n>
-- (LIST), both under the alert's hash tag
-- ARGV[1] job size, ARGV[2] TTL (s), then the slice's member ids
-- Returns { members added, jobs appended }.
local staged, jobs = KEYS[1], KEYS[2]
local job_size, ttl = tonumber(ARGV[1]), ARGV[2]
if #ARGV < 3 then return { 0, 0 } end
local seen = redis.call('SMISMEMBER', staged, unpack(ARGV, 3))
local fresh, taken = {}, {}
for i = 3, #ARGV do
  if seen[i - 2] == 0 and not taken[ARGV[i]] then
    taken[ARGV[i]] = true
    fresh[#fresh + 1] = ARGV[i]
  end
end
if #fresh == 0 then return { 0, 0 } end
redis.call('SADD', staged, unpack(fresh))
local blobs = {}
for first = 1, #fresh, job_size do
  local last = math.min(first + job_size - 1, #fresh)
  blobs[#blobs + 1] = cmsgpack.pack({ unpack(fresh, first, last) })
end
redis.call('RPUSH', jobs, unpack(blobs))
redis.call('EXPIRE', staged, ttl)
redis.call('EXPIRE', jobs, ttl)
return { #fresh, #blobs }
