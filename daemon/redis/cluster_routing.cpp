#include "redis/cluster_routing.h"

#include <boost/crc.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace tocsin::redis {
namespace {

// CRC-16/XMODEM, the one Redis Cluster hashes keys with: polynomial 0x1021, no reflection.
using Crc16Xmodem = boost::crc_optimal<16, 0x1021, 0, 0, false, false>;

bool is(std::string_view name, std::string_view upper) {
  return name.size() == upper.size() &&
         std::equal(name.begin(), name.end(), upper.begin(), [](char a, char b) {
           return std::toupper(static_cast<unsigned char>(a)) == b;
         });
}

// Commands whose first key is not their first argument, or that have no key.
enum class KeyAt { first_argument, second_argument, after_numkeys, after_streams, none };

KeyAt key_position(std::string_view name) {
  for (std::string_view keyless :
       {"PING",    "INFO",     "WAIT",     "SCRIPT",  "ROLE",   "AUTH",     "SELECT",
        "MULTI",   "EXEC",     "DISCARD",  "CLUSTER", "ASKING", "READONLY", "SCAN",
        "DBSIZE",  "FLUSHALL", "FLUSHDB",  "CONFIG",  "CLIENT", "TIME",     "ECHO",
        "COMMAND", "SENTINEL", "FUNCTION", "HELLO",   "QUIT"}) {
    if (is(name, keyless)) return KeyAt::none;
  }
  // Subcommand first: XGROUP CREATE <key>, XINFO STREAM <key>, OBJECT ENCODING <key>...
  for (std::string_view container : {"XGROUP", "XINFO", "OBJECT", "MEMORY"}) {
    if (is(name, container)) return KeyAt::second_argument;
  }
  for (std::string_view script :
       {"EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"}) {
    if (is(name, script)) return KeyAt::after_numkeys;
  }
  if (is(name, "XREAD") || is(name, "XREADGROUP")) return KeyAt::after_streams;
  return KeyAt::first_argument;
}

}  // namespace

bool command_is(const Command& command, std::string_view upper) {
  return !command.empty() && is(command[0], upper);
}

uint16_t key_slot(std::string_view key) {
  const auto open = key.find('{');
  if (open != std::string_view::npos) {
    const auto close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  Crc16Xmodem crc;
  crc.process_bytes(key.data(), key.size());
  return static_cast<uint16_t>(crc.checksum() % kClusterSlots);
}

std::optional<std::string_view> routing_key(const Command& command) {
  if (command.empty()) return std::nullopt;
  switch (key_position(command[0])) {
    case KeyAt::none:
      return std::nullopt;
    case KeyAt::first_argument:
      if (command.size() < 2) return std::nullopt;
      return command[1];
    case KeyAt::second_argument:
      if (command.size() < 3) return std::nullopt;
      return command[2];
    case KeyAt::after_numkeys: {
      // EVALSHA <sha> <numkeys> <key>...: a script of no key has no slot.
      if (command.size() < 4 || command[2] == "0") return std::nullopt;
      return command[3];
    }
    case KeyAt::after_streams:
      for (size_t i = 1; i + 1 < command.size(); ++i) {
        if (is(command[i], "STREAMS")) return command[i + 1];
      }
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Redirection> parse_redirection(std::string_view error,
                                             const std::string& asked_host) {
  Redirection redirection{};
  if (error.starts_with("MOVED ")) {
    redirection.kind = Redirection::Kind::moved;
    error.remove_prefix(6);
  } else if (error.starts_with("ASK ")) {
    redirection.kind = Redirection::Kind::ask;
    error.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  const auto space = error.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view slot = error.substr(0, space);
  const std::string_view address = error.substr(space + 1);
  auto [slot_end, slot_error] =
      std::from_chars(slot.data(), slot.data() + slot.size(), redirection.slot);
  if (slot_error != std::errc() || slot_end != slot.data() + slot.size() || redirection.slot < 0 ||
      redirection.slot >= kClusterSlots) {
    return std::nullopt;
  }
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view port = address.substr(colon + 1);
  auto [port_end, port_error] =
      std::from_chars(port.data(), port.data() + port.size(), redirection.node.port);
  if (port_error != std::errc() || port_end != port.data() + port.size() ||
      redirection.node.port == 0) {
    return std::nullopt;
  }
  redirection.node.host = std::string(address.substr(0, colon));
  if (redirection.node.host.empty()) redirection.node.host = asked_host;
  return redirection;
}

std::vector<PipelineGroup> plan_pipeline(const std::vector<Command>& commands) {
  std::vector<PipelineGroup> groups;
  bool in_transaction = false;
  for (size_t i = 0; i < commands.size(); ++i) {
    const Command& command = commands[i];
    const bool opens = command_is(command, "MULTI");
    const bool closes = command_is(command, "EXEC") || command_is(command, "DISCARD");
    const auto key = routing_key(command);
    const int slot = key ? key_slot(*key) : -1;
    if (in_transaction) {
      // Every command of a transaction goes where the block goes: its first key's node.
      PipelineGroup& block = groups.back();
      ++block.count;
      if (block.slot < 0) block.slot = slot;
      if (closes) in_transaction = false;
      continue;
    }
    if (opens) in_transaction = true;
    // A keyless group takes the slot of the first keyed command after it.
    const bool joins = !groups.empty() && !opens &&
                       (slot < 0 || groups.back().slot == slot || groups.back().slot < 0);
    if (joins) {
      PipelineGroup& last = groups.back();
      ++last.count;
      if (last.slot < 0) last.slot = slot;
    } else {
      groups.push_back(PipelineGroup{i, 1, slot});
    }
  }
  return groups;
}

}  // namespace tocsin::redis
