#pragma once
// Every field and value of a HASH, read with HSCAN in slices rather than one HGETALL, so
// that a hash of 150,000 members never blocks Redis for one long reply. Sorted by field,
// each once (HSCAN may return a field twice).

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tocsin::redis {

class Client;

// nullopt when Redis failed.
boost::asio::awaitable<std::optional<std::vector<std::pair<std::string, std::string>>>> scan_hash(
    Client& redis, std::string key);

}  // namespace tocsin::redis
