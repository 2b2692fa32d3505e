-- Included by the steps that read and write many fields of one hash per call (dispatch's
-- prepare and record): the fields are read in one HMGET and written in one HSET per hash,
-- not one call per message, since a call from a script costs Redis more than the work it
-- does and each write is one more entry in the AOF. Both go in slices of HASH_BATCH fields:
-- unpack() is bounded by Lua's stack.
--   hash_batch_want(fields, field)     adds a field to a list to read, once ('' never)
--   hash_batch_read(key, fields)       field -> value (false when absent), in one HMGET
--   hash_batch_set(writes, field, value)   notes a write (a later one of a field wins)
--   hash_batch_flush(key, writes)      writes what was noted, in one HSET
local HASH_BATCH = 1000
-- `fields` lists them in order (integer keys) and marks each (field -> true).
local function hash_batch_want(fields, field)
  if field ~= '' and not fields[field] then
    fields[field] = true
    fields[#fields + 1] = field
  end
end
local function hash_batch_read(key, fields)
  local values = {}
  for first = 1, #fields, HASH_BATCH do
    local last = math.min(first + HASH_BATCH - 1, #fields)
    local got = redis.call('HMGET', key, unpack(fields, first, last))
    for k = first, last do values[fields[k]] = got[k - first + 1] end
  end
  return values
end
-- `writes` lists its fields in order (integer keys) and maps each to its value.
local function hash_batch_set(writes, field, value)
  if writes[field] == nil then writes[#writes + 1] = field end
  writes[field] = value
end
local function hash_batch_flush(key, writes)
  for first = 1, #writes, HASH_BATCH do
    local args = {}
    for k = first, math.min(first + HASH_BATCH - 1, #writes) do
      args[#args + 1] = writes[k]
      args[#args + 1] = writes[writes[k]]
    end
    redis.call('HSET', key, unpack(args))
  end
end
