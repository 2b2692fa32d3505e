#!lua
-- Notes when relaying began (redis/stream_relay.h), once: Redis's clock now as a stream id
-- ("<ms>-0": a source without a cursor is relayed from that millisecond on).
-- KEYS[1] the STRING to set, if it is not set
-- Returns the value it holds.
local now = redis.call('TIME')
local id = string.format('%d-0', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
redis.call('SET', KEYS[1], id, 'NX')
return redis.call('GET', KEYS[1])
