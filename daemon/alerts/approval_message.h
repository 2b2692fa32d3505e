#pragma once
// The words of the message that asks an executive to approve an alert: French, then
// English below (accounts hold no language; the union writes French first). Pure.

#include <cstdint>
#include <string>
#include <string_view>

namespace tocsin::alerts {

struct ApprovalMessage {
  std::string text;     // the SMS, or the email's plain text
  std::string subject;  // the email's subject
};

// code "A7", the alert's title, the members it reaches now, who asks, and the signed link.
ApprovalMessage approval_message(std::string_view code, std::string_view title, int64_t members,
                                 std::string_view requester, std::string_view link);

}  // namespace tocsin::alerts
