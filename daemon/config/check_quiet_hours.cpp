#include <string>

#include "config/checks.h"
#include "config/quote.h"
#include "proto/tocsin.pb.h"
#include "schedule/quiet_hours.h"

namespace tocsin::config::checks {
namespace {

void check_clock(const std::string& text, const std::string& field, Problems* problems) {
  if (text.empty()) {
    problems->emplace_back(field, "required: a time of day such as \"21:00\"");
  } else if (!schedule::parse_clock(text)) {
    problems->emplace_back(field, "expected H:MM or HH:MM on the 24-hour clock (\"21:00\", "
                                  "\"8:00\"), got " + in_quotes(text));
  }
}

}  // namespace

void quiet_hours(const google::protobuf::RepeatedPtrField<QuietHours>& windows,
                 Problems* problems) {
  for (int i = 0; i < windows.size(); ++i) {
    const QuietHours& window = windows[i];
    const std::string path = "alerts.quiet_hours[" + std::to_string(i) + "]";
    if (window.kinds().empty()) {
      problems->emplace_back(path + ".kinds",
                             "at least one alert kind, e.g. kinds: INFORMATION");
    }
    for (int k = 0; k < window.kinds().size(); ++k) {
      if (window.kinds(k) == tocsin::ALERT_KIND_UNSPECIFIED) {
        problems->emplace_back(path + ".kinds",
                               "ALERT_KIND_UNSPECIFIED is no kind; expected SPECIAL_LAW_THREAT, "
                               "EMERGENCY_ASSEMBLY, BANNER_DROP, STRIKE_VOTE or INFORMATION");
      }
    }
    const int channel = window.channels();
    if (channel != tocsin::SMS && channel != tocsin::EMAIL && channel != tocsin::BOTH) {
      problems->emplace_back(path + ".channels", "required: SMS, EMAIL or BOTH");
    }
    check_clock(window.start(), path + ".start", problems);
    check_clock(window.end(), path + ".end", problems);
    const auto start = schedule::parse_clock(window.start());
    const auto end = schedule::parse_clock(window.end());
    if (start && end && *start == *end) {
      problems->emplace_back(path + ".end", "must differ from start (" + in_quotes(window.start()) +
                                                "): the window would be empty");
    }
  }
}

}  // namespace tocsin::config::checks
