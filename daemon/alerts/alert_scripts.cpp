#include "alerts/alert_scripts.h"

#include <string>

#include "redis/script.h"

namespace tocsin::alerts {

const redis::Script& create_alert_script() {
  static const redis::Script script(std::string(kAuditedLua) + R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('SET', KEYS[3], ARGV[1])
audited(KEYS[4], KEYS[1], 'actor', ARGV[3], 'action', 'alert.create', 'subject', ARGV[1],
        'detail', ARGV[4])
return 1
)lua");
  return script;
}

const redis::Script& create_child_script() {
  static const redis::Script script(std::string(kAuditedLua) + R"lua(
local existing = redis.call('HGET', KEYS[3], ARGV[5])
if existing then return { 'exists', existing } end
if redis.call('EXISTS', KEYS[5]) == 0 then return { 'no_parent', '' } end
if redis.call('EXISTS', KEYS[1]) == 1 then return { 'taken', '' } end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[5], ARGV[1])
audited(KEYS[4], KEYS[1], 'actor', ARGV[3], 'action', 'alert.create', 'subject', ARGV[1],
        'detail', ARGV[4])
-- The parent's trail shows its follow-ups and waves.
redis.call('XADD', KEYS[5] .. ':audit', '*', 'actor', ARGV[3], 'action', 'alert.child_create',
           'subject', ARGV[1], 'detail', ARGV[4])
return { 'created', ARGV[1] }
)lua");
  return script;
}

// The field names are those of alert_keys.h (field::kState, field::kCreatedByToken).
const redis::Script& transition_script() {
  static const redis::Script script(std::string(kAuditedLua) + R"lua(
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
audited(KEYS[2], KEYS[1], 'actor', ARGV[4], 'action', ARGV[5], 'subject', ARGV[1],
        'detail', ARGV[6] .. ' from=' .. state)
return { 'ok', state }
)lua");
  return script;
}

}  // namespace tocsin::alerts
