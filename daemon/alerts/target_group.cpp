#include "alerts/target_group.h"

#include <algorithm>

namespace tocsin::alerts {

bool is_target_group(std::string_view name) {
  return std::find(std::begin(kTargetGroups), std::end(kTargetGroups), name) !=
         std::end(kTargetGroups);
}

std::string_view target_group_list() {
  return "no_answer, yes, maybe, yes_with_bus, seated_unconfirmed, waitlisted or not_delivered";
}

std::string_view left_group_state(std::string_view group) {
  return group == "no_answer" ? "skipped:answered" : "skipped:left_group";
}

}  // namespace tocsin::alerts
