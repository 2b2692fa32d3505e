#include "events/milestones.h"

#include "members/text_fold.h"
#include "members/turnout_field.h"
#include "proto/tocsin.pb.h"

namespace tocsin::events {

const redis::Script& milestone_script() {
  static const redis::Script script(R"lua(
local base = string.match(KEYS[1], '^(.*):milestones$')
local maxlen = ARGV[1]
local regions = nil
local written = 0
for i = 2, #ARGV - 4, 5 do
  local kind, dimension, key, goal, value = ARGV[i], ARGV[i + 1], ARGV[i + 2],
                                           tonumber(ARGV[i + 3]), ARGV[i + 4]
  local name = kind .. '|' .. dimension .. '|' .. key
  if goal > 0 and redis.call('HEXISTS', KEYS[1], name) == 0 then
    local hash, measure = base .. ':tally', 'yes'
    if kind == 'quorum' then hash, measure = base .. ':day', 'present' end
    local count = 0
    if dimension == 'region' then
      count = tonumber(redis.call('HGET', hash, key .. '|all|' .. measure)) or 0
    else
      regions = regions or redis.call('SMEMBERS', base .. ':regions')
      for _, region in ipairs(regions) do
        count = count + (tonumber(redis.call('HGET', hash, region .. '|' .. dimension .. ':' ..
                                             key .. '|' .. measure)) or 0)
      end
    end
    if count >= goal then
      local t = redis.call('TIME')
      local at = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      redis.call('HSET', KEYS[1], name, at)
      local json = cjson.encode({ kind = kind, dimension = dimension, value = value,
                                  goal = goal, count = count, at_ms = at })
      redis.call('XADD', KEYS[2], 'MAXLEN', '~', maxlen, '*', '#milestone', json,
                 '#region', dimension == 'region' and key or '')
      written = written + 1
    end
  end
end
return written
)lua");
  return script;
}

std::vector<std::string> milestone_goals(const Alert& alert) {
  std::vector<std::string> args;
  for (const TurnoutTarget& target : alert.targets()) {
    const std::string key = turnout::key_part(members::fold(target.value()));
    for (const auto& [kind, goal] : {std::pair<const char*, int>{"target", target.target()},
                                     std::pair<const char*, int>{"quorum", target.quorum()}}) {
      if (goal <= 0) continue;
      args.insert(args.end(), {kind, target.dimension(), key, std::to_string(goal), target.value()});
    }
  }
  return args;
}

}  // namespace tocsin::events
