#!lua
-- Moves an alert from one state to another (approve, decline, cancel, close...), with its
-- audit entry, in one atomic step: two officers acting at once cannot both win. The field
-- names are those of alerts/alert_keys.h (field::kState, field::kCreatedByToken).
-- KEYS[1] alert:{id}, KEYS[2] alert:{id}:audit (its trail, relayed by the caller to the
-- global audit stream: alerts/alert_relay.h)
-- ARGV[1] id, ARGV[2] allowed states as ",draft,approved,", ARGV[3] new state, ARGV[4]
-- actor, ARGV[5] audit action, ARGV[6] audit detail, ARGV[7] refused creator token ("" for
-- none: the token that created the alert may not make this transition), then field, value
-- pairs written with the new state
-- Returns {outcome, previous state}, outcome "ok", "missing", "wrong_state" or "creator";
-- nothing is written but on "ok".
--!include alerts/audited_lib.lua
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return { 'missing', '' } end
if not string.find(ARGV[2], ',' .. state .. ',', 1, true) then return { 'wrong_state', state } end
if ARGV[7] ~= '' and redis.call('HGET', KEYS[1], 'created_by_token') == ARGV[7] then
  return { 'creator', state }
end
if #ARGV > 7 then
  redis.call('HSET', KEYS[1], 'state', ARGV[3], unpack(ARGV, 8))
else
  redis.call('HSET', KEYS[1], 'state', ARGV[3])
end
audited(KEYS[2], 'actor', ARGV[4], 'action', ARGV[5], 'subject', ARGV[1],
        'detail', ARGV[6] .. ' from=' .. state)
return { 'ok', state }
