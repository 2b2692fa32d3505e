#include "alerts/approval_rule.h"

#include "members/text_fold.h"

namespace tocsin::alerts {

bool same_name(std::string_view creator, std::string_view approver) {
  return members::fold(creator) == members::fold(approver);
}

}  // namespace tocsin::alerts
