#pragma once
// The parts of validate(), one file each. Every check appends what it finds to *problems
// with the field's full path, and never throws.

#include <string>
#include <vector>

#include "config/config.h"
#include "config/limits.h"

namespace tocsin::config::checks {

using Problems = std::vector<ConfigError>;

// Zero is accepted as "the default"; anything else must lie in the range.
void integer_range(int64_t value, const limits::Range& range, const std::string& field,
                   Problems* problems);
void listen(const std::string& listen, Problems* problems);
void public_url(const HttpConfig& http, Problems* problems);
void redis_url(const std::string& url, Problems* problems);
void secret(const Secret& secret, const std::string& field, Problems* problems);
void logging(const LoggingConfig& logging, Problems* problems);
void gateways(const google::protobuf::RepeatedPtrField<GatewayConfig>& gateways,
              Problems* problems);
void time_zone(const std::string& name, Problems* problems);
// alerts.quiet_hours: kinds, channels and two different H:MM clocks per window.
void quiet_hours(const google::protobuf::RepeatedPtrField<QuietHours>& windows,
                 Problems* problems);

}  // namespace tocsin::config::checks
