#pragma once
// The two-person rule: above alerts.approval_threshold an alert is approved by someone
// other than its creator. Tokens are not accounts: an admin may make a second token that
// bears the creator's name, and a token of that name is the same officer for everyone who
// reads the alert ("created by Exec Un, approved by Exec Un"). So the approver must differ
// from the creator by token (checked in the approve script, atomically) and by name,
// compared here without regard to case, accents or spacing. Pure.

#include <string_view>

namespace tocsin::alerts {

// True when the two token names designate the same person: "Exec Un", " exec  UN" and
// "Éxec Un" do.
bool same_name(std::string_view creator, std::string_view approver);

}  // namespace tocsin::alerts
