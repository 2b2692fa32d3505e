#pragma once
// Reads a whole Redis hash in slices with HSCAN rather than one HGETALL: an alert's hash of
// 150,000 members (its RSVPs, its check-ins) never blocks Redis in one long reply. Used by
// the ride list (turnout/ride_list.h) and the participation report (reports/).

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tocsin::redis {

class Client;

// Every field and value of `key`, each field once (HSCAN may return one twice), sorted by
// field; nullopt when Redis failed.
boost::asio::awaitable<std::optional<std::vector<std::pair<std::string, std::string>>>> scan_hash(
    Client& redis, const std::string& key);

}  // namespace tocsin::redis
