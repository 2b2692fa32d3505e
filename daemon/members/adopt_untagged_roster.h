#pragma once
// Moves the roster an older tocsind kept under untagged names (`member:<id>`,
// `member:<id>:idx`, `aud:…`, `members:all`, `phone:…`, and the opt-out registry
// `optout:…`) under the `{roster}` tag (member_keys.h), so that an upgrade keeps every
// member, index and opt-out.
//
// On the plain Redis an older tocsind ran on (its scripts could not run on a cluster). When
// none of the untagged sets that always come with a roster or a registry is there, it
// reads nothing else: a start costs one EXISTS. Otherwise it walks the keyspace with SCAN
// and moves each page in one pipeline:
//   - a member's record and index hash are renamed: a key found under both names is the
//     older daemon's latest write (a rolling upgrade), so the old one wins;
//   - the sets are merged into the tagged one, then the old one deleted: an opt-out an
//     older daemon recorded meanwhile is kept, never dropped.
// The running import's lock is not moved (no import runs across an upgrade). Every start
// does it, so what an older daemon wrote during a rolling upgrade comes over at the last
// daemon's start. The dispatch engine and the workers that read members wait for it.

#include <boost/asio/awaitable.hpp>

#include <cstddef>

#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::members {

// The number of keys moved (0 when there was nothing to move).
boost::asio::awaitable<Result<size_t>> adopt_untagged_roster(redis::Client& redis);

}  // namespace tocsin::members
