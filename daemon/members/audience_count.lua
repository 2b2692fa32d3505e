#!lua
-- Counts an audience: how many members an expression selects and how many of them an SMS
-- or an email can reach (a valid address, not opted out). Runs the program of
-- members/audience_program.h: set operations into temporary keys, then counts (SINTERCARD,
-- Redis 7.0). The operations run inside pcall so
-- that an error (a key of the wrong type, OOM) still deletes the temporaries before the
-- error goes back to the caller. Every key carries the {roster} tag (one slot): a count sees
-- all the indexes at one instant.
-- KEYS[1] {roster}:members:all, KEYS[2] members:sms, KEYS[3] optout:sms:members, KEYS[4]
-- members:email, KEYS[5] optout:email:members, then one aud:<dimension>:<value> per
-- distinct term, then the temporaries ({roster}:tmp:aud:<random>:1...)
-- ARGV[1] number of terms, ARGV[2] index in KEYS of the first temporary, ARGV[3] number of
-- temporaries, ARGV[4] index in KEYS of the result, ARGV[5] "1" when the audience is
-- everyone except the result's members; then the operations:
-- op n target k1 .. kn (op "i" SINTERSTORE, "u" SUNIONSTORE, "d" SDIFFSTORE; target and
-- k1..kn indexes in KEYS)
-- Returns { members, reachable by SMS, reachable by email, { per term: 1 when its index
-- exists, else 0 } }.
local term_count = tonumber(ARGV[1])
local first_temp = tonumber(ARGV[2])
local temp_count = tonumber(ARGV[3])
local result = KEYS[tonumber(ARGV[4])]
local negated = ARGV[5] == '1'
local all, sms, sms_out, email, email_out = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local commands = { i = 'SINTERSTORE', u = 'SUNIONSTORE', d = 'SDIFFSTORE' }

local function evaluate()
  local pc = 6
  while pc <= #ARGV do
    local n = tonumber(ARGV[pc + 1])
    local operands = {}
    for j = 1, n do operands[j] = KEYS[tonumber(ARGV[pc + 2 + j])] end
    redis.call(commands[ARGV[pc]], KEYS[tonumber(ARGV[pc + 2])], unpack(operands))
    pc = pc + 3 + n
  end
end

local function card(...)
  return redis.call('SINTERCARD', select('#', ...), ...)
end

-- Members of `set` (restricted to `within`, when given), and how many of them each channel
-- reaches.
local function counts(set, within)
  local base = within and { set, within } or { set }
  local function reachable(channel, optout)
    local with_address = card(channel, unpack(base))
    if with_address == 0 then return 0 end
    return with_address - card(channel, optout, unpack(base))
  end
  return { card(unpack(base)), reachable(sms, sms_out), reachable(email, email_out) }
end

local function everyone()
  return { redis.call('SCARD', all), redis.call('SCARD', sms) - card(sms, sms_out, all),
           redis.call('SCARD', email) - card(email, email_out, all) }
end

local function run()
  evaluate()
  local figures
  if negated then
    local total = everyone()
    local excluded = counts(result, all)
    figures = { total[1] - excluded[1], total[2] - excluded[2], total[3] - excluded[3] }
  elseif result == all then
    figures = everyone()
  else
    figures = counts(result)
  end
  local known = {}
  for j = 1, term_count do known[j] = redis.call('EXISTS', KEYS[5 + j]) end
  figures[4] = known
  return figures
end

local ok, reply = pcall(run)
if temp_count > 0 then
  redis.call('UNLINK', unpack(KEYS, first_temp, first_temp + temp_count - 1))
end
if not ok then
  if type(reply) == 'table' and reply.err then return redis.error_reply(reply.err) end
  return redis.error_reply(tostring(reply))
end
return reply
