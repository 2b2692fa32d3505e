#pragma once
// The config's quiet hours (alerts.quiet_hours) as the engine applies them: whether a
// message of an alert on a channel is held now, and until when. The local time is read once
// a second of the engine's clock, not once per message (windows move by whole minutes).

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/quiet_hours.h"

namespace tocsin {
class Alert;
}
namespace tocsin::config {
class Config;
}

namespace tocsin::dispatch {

class QuietHold {
 public:
  explicit QuietHold(const config::Config& config);

  // When a message of `alert` on `channel` ("sms", "email") may go, if a quiet window holds
  // it at now_ms; nullopt when none does. Overlapping windows: the last to end.
  std::optional<int64_t> until(const Alert& alert, std::string_view channel, int64_t now_ms);

 private:
  struct Rule {
    schedule::QuietWindow window;
    std::set<int> kinds;
    bool sms = false;
    bool email = false;
  };

  std::vector<Rule> rules_;
  std::string time_zone_;
  // Each rule's held_until at the start of the current second.
  int64_t second_ = -1;
  std::vector<std::optional<int64_t>> ends_;
};

}  // namespace tocsin::dispatch
