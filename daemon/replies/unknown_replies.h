#pragma once
// The replies of an alert no rule read with confidence (alert:{id}:unknown, "at_ms|text" by
// member), with who sent them, for the coordinators' inbox.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::redis {
class Client;
}

namespace tocsin::replies {

struct UnknownEntry {
  std::string member_id;
  int64_t received_at_ms = 0;
  std::string text;
  std::string folded_region;  // member:{id}:idx, for scoping
  std::string region;         // as the roster writes it
  std::string first_name;
};

// "1700000000123|c'est où?" -> {1700000000123, "c'est où?"}; nullopt when not that shape.
// Pure.
std::optional<std::pair<int64_t, std::string>> parse_unknown_value(std::string_view value);

// Every unknown reply of the alert, oldest first; nullopt when Redis failed.
boost::asio::awaitable<std::optional<std::vector<UnknownEntry>>> read_unknown_replies(
    redis::Client& redis, const std::string& alert_id);

}  // namespace tocsin::replies
