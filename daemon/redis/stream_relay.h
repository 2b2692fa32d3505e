#pragma once
// Copies the entries of a stream in one hash slot to a stream in another, exactly once and
// in order. A script may touch the keys of one slot only (Redis Cluster), so a step that
// changes an alert and must also reach a shared stream (the global audit log, the seat
// notices) appends to a stream of its own slot in the same step, and the caller relays it
// right after. A relay a crash cut short is done again by the next one, which finds the
// source's cursor where the last completed relay left it.
//
// The cursors (HASH: source key -> id of its last entry relayed) live in the destination's
// slot, beside it, so the append and the cursor move in one script (stream_relay.lua): a
// relay whose cursor moved meanwhile (another daemon relayed the same entries) appends
// nothing and reads again.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "redis/client.h"
#include "util/result.h"

namespace tocsin::redis {

class Script;

struct RelayTarget {
  std::string destination;  // the shared stream (or what `apply` writes to)
  std::string cursors;      // its cursors' HASH, in the same slot ("{audit}:relayed")
  // "" or a STRING holding a stream id: a source with no cursor yet is relayed only from it
  // on (its earlier entries reached the destination another way: the audit log before
  // relaying began). Set once, by relay_began_command().
  std::string began = {};
  // What the entries are applied with, instead of appending them to `destination`: a
  // script of stream_relay.lua's KEYS[1..2] and ARGV (the scheduler's items applied to its
  // ZSETs, schedule/schedule_outbox.h), given `more_keys` after those two.
  const Script* apply = nullptr;
  std::vector<std::string> more_keys = {};
};

// A stream relayed on its own, apart from any alert (the accounts' audit entries,
// {auth}:audit), by the sweep that makes up relays cut short.
struct RelaySource {
  std::string source;
  RelayTarget target;
};

// Relays every entry of `source` after its cursor, in batches of `batch`. Returns the
// number of entries appended to the destination (0 when nothing was new).
boost::asio::awaitable<Result<size_t>> relay_stream(Client& redis, const RelayTarget& target,
                                                    const std::string& source,
                                                    size_t batch = 200);

// Registers the relay's script to load on each connection.
void load_relay_script(Client& redis);

// Sets `began_key`, unless it is set, to Redis's clock now, as a stream id ("<ms>-0"): run
// on each connection before anything else, so it precedes every entry written to a source
// by a daemon that relays.
Command relay_began_command(const std::string& began_key);

}  // namespace tocsin::redis
