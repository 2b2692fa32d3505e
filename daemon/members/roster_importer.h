#pragma once
// Imports a roster CSV into Redis: decodes (UTF-8 or Windows-1252), reads records as a
// stream, turns each into a Member, and upserts them in batches (one round trip to check
// opt-outs, one Lua script to write). Memory stays bounded by a batch, whatever the file
// size. With dry_run it computes the same report and writes nothing.
//
// A failure found before the first write (empty file, no member-id column, another import
// running) changes nothing. Rows with problems are reported by line and column; the rest
// is imported.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>

#include "proto/tocsin.pb.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::members {

struct ImportOptions {
  bool dry_run = false;
  bool replace = false;             // also remove members absent from the file
  std::string phone_region = "CA";  // for numbers written without a country code
  size_t batch_size = 1000;
};

// Why an import did not run at all.
struct ImportRefusal {
  unsigned http_status = 400;
  std::string reason;
  std::string field;
};

struct ImportOutcome {
  std::optional<ImportReport> report;
  std::optional<ImportRefusal> refusal;
};

class RosterImporter {
 public:
  RosterImporter(redis::Client& redis, ImportOptions options);

  // Errors are Redis's (unavailable mid-import: what was written stays, and re-running
  // the same import completes it, as upserts are idempotent).
  boost::asio::awaitable<Result<ImportOutcome>> run(std::string_view csv);

 private:
  redis::Client& redis_;
  ImportOptions options_;
};

}  // namespace tocsin::members
