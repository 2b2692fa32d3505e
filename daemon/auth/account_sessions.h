#pragma once
// The session keys of an account's set ({auth}:account_sessions:<id>), read so that a
// script that ends or prunes them can declare them as KEYS: a script touches only the keys
// it declares (Redis Cluster). Those scripts check that the set holds no session the caller
// did not read; when it does (a sign-in in between), the caller reads again.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::auth {

// The set's members under the `{auth}` tag (an older tocsind's untagged names, not yet
// moved, are in another slot: left out).
boost::asio::awaitable<Result<std::vector<std::string>>> read_account_sessions(
    redis::Client& redis, const std::string& account_id);

// How often a script that found a session it was not given is run again with the set read
// anew before the caller gives up: each retry means someone signed in to the account
// during the last round trip.
inline constexpr int kSessionReadTries = 5;

}  // namespace tocsin::auth
