#pragma once
// A command as Redis reads it on the wire (RESP: "*<argc>\r\n" then "$<len>\r\n<arg>\r\n"
// for each argument), byte for byte what hiredis's redisFormatCommandArgv writes.
//
// Written here because hiredis 0.14 builds it with its own printf (sdscatfmt) for every
// argument's length, into a fresh buffer per command: an eighth of tocsind's instructions
// during a blast (callgrind, gateway_headroom_bench), where the record and prepare calls
// carry dozens of arguments per message. Connection::send formats into one buffer it keeps
// and hands the bytes to hiredis as they are (redisAsyncFormattedCommand).

#include <string>
#include <vector>

namespace tocsin::redis {

// Replaces *out with argv as one RESP command (its capacity is kept, so a caller that
// reuses the string allocates only when a command is larger than any before).
void format_command(const std::vector<std::string>& argv, std::string* out);

}  // namespace tocsin::redis
