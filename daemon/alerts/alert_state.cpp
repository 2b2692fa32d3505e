#include "alerts/alert_state.h"

#include <array>
#include <utility>

#include "alerts/alert_keys.h"

namespace tocsin::alerts {
namespace {

constexpr std::array<std::pair<AlertState, std::string_view>, 7> kNames{{
    {DRAFT, keys::state::kDraft},
    {APPROVED, keys::state::kApproved},
    {SENDING, keys::state::kSending},
    {SENT, keys::state::kSent},
    {CLOSED, keys::state::kClosed},
    {CANCELLED, keys::state::kCancelled},
    {SCHEDULED, keys::state::kScheduled},
}};

}  // namespace

std::string_view state_name(AlertState state) {
  for (const auto& [value, name] : kNames) {
    if (value == state) return name;
  }
  return {};
}

AlertState parse_state(std::string_view name) {
  for (const auto& [value, known] : kNames) {
    if (known == name) return value;
  }
  return ALERT_STATE_UNSPECIFIED;
}

}  // namespace tocsin::alerts
