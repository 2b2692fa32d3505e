#pragma once
// Moves the accounts, sessions, sign-in codes and API tokens an older tocsind kept under
// untagged names (`accounts`, `account:<id>`, `session:<hash>`…, auth_keys.h `untagged`)
// under the `{auth}` tag, so that officers and scripts keep signing in across the upgrade.
//
// In one MULTI, on the plain Redis an older tocsind ran on (its scripts could not run on a
// cluster). A key found under both names is the older daemon's latest write (it wrote the
// old name after an earlier adoption, during a rolling upgrade), so the old one wins, and
// the sets are merged. The sign-in limits' hourly counters are not moved: they start again
// from zero at the upgrade. Every start does it (app/key_adoption.h), so when daemons
// sharing a Redis are upgraded one by one, the last one brings over what an older one
// wrote meanwhile.

#include <boost/asio/awaitable.hpp>

#include <cstddef>

#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::auth {

// The number of keys moved (0 when there was nothing to move).
boost::asio::awaitable<Result<size_t>> adopt_untagged_keys(redis::Client& redis);

}  // namespace tocsin::auth
