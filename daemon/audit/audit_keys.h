#pragma once
// The audit log's keys: one append-only stream of who did what (actor, action, subject,
// detail). A change to an alert writes its entry to the alert's own trail
// (alert:{id}:audit, alerts/alert_keys.h) in the same step, and the trail is relayed here
// (audit/audit_relay.h); so are the accounts', sessions' and tokens' ({auth}:audit,
// auth/auth_keys.h) and the templates' ({templates}:audit, alerts/alert_keys.h). A change
// whose entry is its only write (a roster import's summary, a refused sign-in) writes here
// directly.
//
//   audit                STREAM, append-only
//   {audit}:relayed      HASH trail key -> the id of its last entry relayed to audit (the
//                        hash tag puts it in the slot of "audit", for the relay's script)
//   {audit}:relay_began  STRING, set once the trails an older tocsind wrote (to both
//                        streams) were marked relayed

#include <string_view>

namespace tocsin::audit::keys {

inline constexpr std::string_view kAudit = "audit";
inline constexpr std::string_view kRelayed = "{audit}:relayed";
inline constexpr std::string_view kRelayBegan = "{audit}:relay_began";

}  // namespace tocsin::audit::keys
