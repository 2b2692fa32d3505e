// Fuzzes what the cluster client reads from the nodes (redis/cluster_map.h,
// redis/cluster_routing.h): the input, read as RESP by hiredis as from a socket, is a
// CLUSTER SLOTS answer; read as text, the message of a MOVED or ASK error. A node is
// outside input: a misbehaving or newer server must give an error, never a crash.

#include <hiredis/hiredis.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>

#include "redis/cluster_map.h"
#include "redis/cluster_routing.h"
#include "redis/hiredis_reply.h"

namespace {

// hiredis 0.14's reader allocates an array's or a string's announced size before reading
// it, with no limit of its own: "*2000000000" asks for 16 GB, and the fuzzer's malloc limit
// would report that as our failure. Inputs announcing more than this are not read as RESP.
bool announces_huge_sizes(const std::string& input) {
  for (size_t i = 0; i + 1 < input.size(); ++i) {
    if (input[i] != '*' && input[i] != '$') continue;
    size_t digits = 0;
    while (i + 1 + digits < input.size() &&
           std::isdigit(static_cast<unsigned char>(input[i + 1 + digits]))) {
      ++digits;
    }
    if (digits > 5) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tocsin::redis;
  const std::string input(reinterpret_cast<const char*>(data), size);
  Endpoint asked;
  asked.host = "127.0.0.1";
  asked.port = 7000;

  if (auto redirection = parse_redirection(input, asked.host)) {
    if (redirection->slot < 0 || redirection->slot >= kClusterSlots) __builtin_trap();
    if (redirection->node.port == 0 || redirection->node.host.empty()) __builtin_trap();
  }

  if (announces_huge_sizes(input)) return 0;
  redisReader* reader = redisReaderCreate();
  if (reader == nullptr) return 0;
  redisReaderFeed(reader, input.data(), input.size());
  void* parsed = nullptr;
  if (redisReaderGetReply(reader, &parsed) == REDIS_OK && parsed != nullptr) {
    const Reply reply = copy_reply(*static_cast<redisReply*>(parsed));
    freeReplyObject(parsed);
    std::string why;
    if (auto map = ClusterMap::parse(reply, asked, &why)) {
      if (map->masters().empty()) __builtin_trap();
      for (int slot = 0; slot < kClusterSlots; ++slot) {
        const uint16_t owner = map->master_of(slot);
        if (owner != ClusterMap::kNoNode && owner >= map->masters().size()) __builtin_trap();
      }
    } else if (why.empty()) {
      __builtin_trap();  // a refusal always says why
    }
  }
  redisReaderFree(reader);
  return 0;
}
