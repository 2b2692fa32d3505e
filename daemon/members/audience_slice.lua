#!lua flags=no-writes
-- One slice of an audience walk (members/audience_walk.h): the members of one SSCAN page of
-- the driver set that the audience expression selects. Reads only, so a walk of 600,000
-- members is many calls of about 1,000 members each, none holding Redis for long. The
-- index keys do not share a hash slot: plain Redis (with replicas) only.
-- KEYS[1] the driver set (members:all, or an index every selected member is in), then one
-- aud:<dimension>:<value> per distinct term, in the order of the program's "t<k>"
-- ARGV[1] SSCAN cursor, ARGV[2] SSCAN COUNT, then the postfix program of
-- members/audience_predicate.h ("t<k>", "*", "!", "&<n>", "|<n>")
-- Returns { next cursor ("0" at the end), { selected member ids } }.
local page = redis.call('SSCAN', KEYS[1], ARGV[1], 'COUNT', ARGV[2])
local ids = page[2]
if #ids == 0 then return { page[1], {} } end
-- One SMISMEMBER per term for the whole page (an absent index answers 0 for everyone).
local member_of = {}
for k = 2, #KEYS do member_of[k - 1] = redis.call('SMISMEMBER', KEYS[k], unpack(ids)) end
local ops = {}
for i = 3, #ARGV do
  ops[#ops + 1] = { ARGV[i]:sub(1, 1), tonumber(ARGV[i]:sub(2)) }
end
local chosen = {}
local stack = {}
for i = 1, #ids do
  local top = 0
  for _, op in ipairs(ops) do
    local code, n = op[1], op[2]
    if code == 't' then
      top = top + 1
      stack[top] = member_of[n][i] == 1
    elseif code == '*' then
      top = top + 1
      stack[top] = true
    elseif code == '!' then
      stack[top] = not stack[top]
    else
      local all_of = code == '&'
      local value = all_of
      for j = top - n + 1, top do
        if all_of then value = value and stack[j] else value = value or stack[j] end
      end
      top = top - n + 1
      stack[top] = value
    end
  end
  if stack[1] then chosen[#chosen + 1] = ids[i] end
end
return { page[1], chosen }
