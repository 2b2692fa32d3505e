#include "events/milestones.h"

#include "events/event_keys.h"
#include "events/milestones.lua.h"
#include "members/text_fold.h"
#include "members/turnout_field.h"
#include "proto/tocsin.pb.h"

namespace tocsin::events {

const redis::Script& milestone_script() {
  static const redis::Script script(std::string(lua::milestones));
  return script;
}

std::vector<std::string> milestone_keys(const std::string& alert_id) {
  return {keys::milestones(alert_id), keys::events(alert_id), keys::tally(alert_id),
          keys::day(alert_id), keys::regions(alert_id)};
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
