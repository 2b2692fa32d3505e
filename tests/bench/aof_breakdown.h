#pragma once
// What a stretch of Redis's AOF holds, for benchmarks that print its growth per message:
// the bytes and commands written, by command and shape of key (ids and numbers folded, so
// "HSET alert:{abc}:state" and every other alert's state hash are one line).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace tocsin::bench {

// The AOF file Redis appends to now: the newest "*.incr.aof" of `redis_dir`/appendonlydir.
std::filesystem::path current_aof_file(const std::filesystem::path& redis_dir);

// Prints "  AOF bytes per <unit> by command ..." for what `file` holds past `from` (bytes),
// the largest first (12 at most).
void print_aof_breakdown(const std::filesystem::path& file, uint64_t from, size_t units,
                         const char* unit);

}  // namespace tocsin::bench
