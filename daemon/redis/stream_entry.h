#pragma once
// The entries of a Redis stream as a consumer group hands them out, read from the replies
// of XREADGROUP, XAUTOCLAIM and XPENDING (through redis/decode.h), so no consumer reads
// reply.elements[1].elements[0].str by position. No I/O: unit-tested on built replies.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/errors.h"
#include "redis/reply.h"
#include "util/result.h"

namespace tocsin::redis {

struct StreamEntry {
  std::string id;
  // Field, value, field, value... in the order they were added (a field may repeat: a
  // dispatch job lists its members as "m" fields). Empty when the entry was deleted after
  // it was read and before it was acknowledged: Redis then gives its id alone.
  std::vector<std::string> fields;

  bool deleted() const { return fields.empty(); }
  // The value of the first field `name`, or "" when it has none.
  std::string value(std::string_view name) const;
  // The values of every field `name`, in order.
  std::vector<std::string> values(std::string_view name) const;
};

// What XAUTOCLAIM took over: the entries, and where its scan goes on ("0-0": it went
// through the whole group, start again from the beginning next time).
struct ClaimedEntries {
  std::string next;
  std::vector<StreamEntry> entries;
};

// One entry of XPENDING's extended form: read by `consumer`, unacknowledged for `idle_ms`.
struct PendingEntry {
  std::string id;
  std::string consumer;
  int64_t idle_ms = 0;
  int64_t deliveries = 0;
};

// The entries of an XREADGROUP reply (one stream or several, in order); nil (nothing new,
// or a BLOCK that timed out) reads as none. -ERR is Errc::server_error, another shape
// Errc::unexpected_reply; `why` (when given) says what.
Result<std::vector<StreamEntry>> decode_stream_read(const Reply& reply, std::string* why = nullptr);

// An XAUTOCLAIM reply: Redis 7's third element (ids deleted meanwhile, which Redis drops
// from the group itself) is not needed.
Result<ClaimedEntries> decode_autoclaim(const Reply& reply, std::string* why = nullptr);

// XPENDING key group start end count: the entries, first to last.
Result<std::vector<PendingEntry>> decode_pending(const Reply& reply, std::string* why = nullptr);

// Whether an error reply says the group (or its stream) is gone: "NOGROUP No such key ...
// or consumer group ...", after a FLUSHALL or a Redis that restarted without its data.
bool is_no_group(std::string_view error);

// Whether XGROUP CREATE's reply means the group is there: OK, or BUSYGROUP (it was).
bool group_exists_after_create(const Reply& reply);

}  // namespace tocsin::redis
