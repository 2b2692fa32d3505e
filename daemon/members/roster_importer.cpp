#include "members/roster_importer.h"

#include <spdlog/spdlog.h>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "log/log.h"
#include "log/mask.h"
#include "members/batch_producer.h"
#include "members/encoding.h"
#include "members/member_keys.h"
#include "members/member_store_scripts.h"
#include "members/record_stream.h"
#include "members/roster_header.h"
#include "members/roster_row.h"
#include "members/text_fold.h"
#include "members/turnout_field.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::members {
namespace {

constexpr int max_listed_problems = 1000;
constexpr int lock_seconds = 900;
// Reads of the members' indexes before giving up on a batch that another writer keeps
// moving (member_store_scripts.h).
constexpr int kIndexReadTries = 5;
// Members per write script call: a call holds Redis for all of its members (a thousand took
// up to 285 ms, roster_import_bench), and every reply and send waits behind it. Fifty take
// a few milliseconds, and the importer's batches (ImportOptions::batch_size) stay large for
// the parsing thread and the opt-out checks.
constexpr size_t kWriteSlice = 50;

std::string random_job_id() {
  std::random_device device;
  std::uniform_int_distribution<uint64_t> dist;
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(dist(device)));
  return buffer;
}

std::string encoding_name(SourceEncoding encoding) {
  switch (encoding) {
    case SourceEncoding::utf8:
      return "utf-8";
    case SourceEncoding::utf8_bom:
      return "utf-8 with BOM";
    case SourceEncoding::windows_1252:
      return "windows-1252";
  }
  return "unknown";
}

// An E.164 number has at most 15 digits: it fits a 64-bit integer exactly.
uint64_t phone_key(const std::string& e164) {
  uint64_t key = 0;
  for (char c : e164) {
    if (c >= '0' && c <= '9') key = key * 10 + static_cast<uint64_t>(c - '0');
  }
  return key;
}

// A mobile number of the file: 16 bytes, as there may be 600,000 of them.
struct PhoneRows {
  int64_t first_line = 0;      // its first row's line
  bool stored_holder = false;  // a row's write found another member holding it
};

class ImportRun {
 public:
  ImportRun(redis::Client& redis, const ImportOptions& options)
      : redis_(redis), options_(options), job_("import:" + random_job_id()) {
    report_.set_dry_run(options.dry_run);
    report_.set_replace(options.replace);
  }

  void add_problem(ImportProblem problem) {
    if (report_.problems_size() < max_listed_problems) {
      *report_.add_problems() = std::move(problem);
    } else {
      report_.set_problems_not_listed(report_.problems_not_listed() + 1);
    }
  }

  void drop_repeats();
  void report_shared_phones();
  boost::asio::awaitable<std::error_code> flush();
  // Upserts a slice of the batch in one script call, given what its members were indexed
  // under when read: each member's status code.
  boost::asio::awaitable<Result<std::vector<int64_t>>> upsert_slice(
      const std::vector<IndexedMember>& slice, const std::vector<std::string>& ids,
      std::vector<IndexedUnder> read_before);
  boost::asio::awaitable<std::error_code> write_labels();
  boost::asio::awaitable<std::error_code> remove_absent();
  // Removes `ids` with their index entries: how many were stored.
  boost::asio::awaitable<Result<int64_t>> remove_members(const std::vector<std::string>& ids);
  boost::asio::awaitable<void> unlock();

  redis::Client& redis_;
  const ImportOptions& options_;
  std::string job_;
  ImportReport report_;
  std::vector<Member> batch_;
  std::vector<int64_t> batch_lines_;
  std::unordered_set<std::string> seen_ids_;
  std::unordered_map<uint64_t, PhoneRows> phones_;  // by phone_key()
  // The lines after the first of the few numbers that several rows have.
  std::unordered_map<uint64_t, std::vector<int64_t>> more_lines_;
  std::unordered_set<std::string> counted_absent_;  // dry run with --replace
  std::unordered_set<std::string> labeled_;         // label keys written by this import
};

// Drops ids seen earlier in the file (reported), and notes the lines of each mobile number.
// Kept here rather than in Redis: a set of 600,000 ids costs tens of MB of this process's
// memory, against 600,000 extra writes (and AOF lines) in Redis.
void ImportRun::drop_repeats() {
  std::vector<Member> kept;
  std::vector<int64_t> kept_lines;
  kept.reserve(batch_.size());
  for (size_t i = 0; i < batch_.size(); ++i) {
    Member& member = batch_[i];
    if (!seen_ids_.insert(member.id()).second) {
      report_.set_rejected(report_.rejected() + 1);
      add_problem(make_import_problem(
          batch_lines_[i], "member_id",
          "member id " + member.id() + " appears earlier in the file; this row is ignored", true));
      continue;
    }
    if (!member.mobile().empty()) {
      const uint64_t key = phone_key(member.mobile());
      const bool first = phones_.try_emplace(key, PhoneRows{batch_lines_[i]}).second;
      if (!first) more_lines_[key].push_back(batch_lines_[i]);
    }
    kept.push_back(std::move(member));
    kept_lines.push_back(batch_lines_[i]);
  }
  batch_ = std::move(kept);
  batch_lines_ = std::move(kept_lines);
}

// Counted once the whole file is read, per number rather than per row: a number is shared
// when two rows of the file have it, or when a row's write found another member holding it.
// A first import (the second row of a pair finds the first) and a re-import (both rows find
// each other) so report the same numbers and members.
void ImportRun::report_shared_phones() {
  std::vector<std::pair<int64_t, uint64_t>> shared;  // first line, phone
  for (const auto& [phone, rows] : phones_) {
    if (rows.stored_holder || more_lines_.count(phone)) shared.emplace_back(rows.first_line, phone);
  }
  std::sort(shared.begin(), shared.end());
  int64_t members = 0;
  for (const auto& [first_line, phone] : shared) {
    SharedPhone& listed = *report_.add_phones_shared();
    listed.set_phone(log::mask_phone("+" + std::to_string(phone)));
    listed.add_lines(first_line);
    if (auto more = more_lines_.find(phone); more != more_lines_.end()) {
      for (int64_t line : more->second) listed.add_lines(line);
    }
    members += listed.lines_size();
  }
  report_.set_shared_phones(static_cast<int64_t>(shared.size()));
  report_.set_shared_phone_members(members);
}

boost::asio::awaitable<std::error_code> ImportRun::flush() {
  drop_repeats();
  if (batch_.empty()) co_return std::error_code{};
  std::vector<IndexedMember> batch;
  std::vector<std::string> ids;
  batch.reserve(batch_.size());
  ids.reserve(batch_.size());
  for (const Member& member : batch_) {
    IndexedMember& indexed = batch.emplace_back();
    indexed.id = member.id();
    indexed.record = member.SerializeAsString();
    indexed.region = fold(member.region());
    indexed.sector = fold(member.sector());
    indexed.local = fold(member.local());
    for (const auto& tag : member.tags()) {
      // The stored tags' walk skips an empty tag too.
      if (std::string folded = fold(tag); !folded.empty())
        indexed.tags.push_back(std::move(folded));
    }
    indexed.mobile = member.mobile();
    indexed.email = member.email();
    indexed.language = member.language();
    indexed.title = fold(member.job_title());
    ids.push_back(member.id());
  }
  // What the whole batch is indexed under, in one round trip; a slice that finds it moved
  // reads its own again (upsert_slice). A dry run writes nothing, so the script neither
  // checks nor uses it: not read.
  Result<std::vector<IndexedUnder>> before = std::vector<IndexedUnder>(ids.size());
  if (!options_.dry_run) before = co_await read_indexed_under(redis_, ids);
  if (!before)
    co_return redis::bad_reply_as(before.error(), std::make_error_code(std::errc::io_error));
  std::vector<int64_t> codes;
  codes.reserve(batch.size());
  for (size_t first = 0; first < batch.size(); first += kWriteSlice) {
    const size_t last = std::min(batch.size(), first + kWriteSlice);
    const std::vector<IndexedMember> slice(std::make_move_iterator(batch.begin() + first),
                                           std::make_move_iterator(batch.begin() + last));
    const std::vector<std::string> slice_ids(ids.begin() + first, ids.begin() + last);
    std::vector<IndexedUnder> slice_before(std::make_move_iterator(before->begin() + first),
                                           std::make_move_iterator(before->begin() + last));
    auto slice_codes = co_await upsert_slice(slice, slice_ids, std::move(slice_before));
    if (!slice_codes) co_return slice_codes.error();
    codes.insert(codes.end(), slice_codes->begin(), slice_codes->end());
  }
  for (size_t i = 0; i < batch_.size(); ++i) {
    const int64_t code = codes[i];
    switch (code / 2) {
      case 0:
        report_.set_imported(report_.imported() + 1);
        break;
      case 1:
        report_.set_updated(report_.updated() + 1);
        break;
      default:
        report_.set_unchanged(report_.unchanged() + 1);
        break;
    }
    if (code % 2 == 1) phones_[phone_key(batch_[i].mobile())].stored_holder = true;
  }
  if (!options_.dry_run) {
    if (auto error = co_await write_labels()) co_return error;
  }
  batch_.clear();
  batch_lines_.clear();
  co_return std::error_code{};
}

boost::asio::awaitable<Result<std::vector<int64_t>>> ImportRun::upsert_slice(
    const std::vector<IndexedMember>& slice, const std::vector<std::string>& ids,
    std::vector<IndexedUnder> read_before) {
  std::string why;
  Result<std::vector<int64_t>> codes = make_error_code(redis::Errc::unexpected_reply);
  Result<std::vector<IndexedUnder>> before = std::move(read_before);
  // Another writer moving one of these members between the read and the script (never
  // the importer itself: one import at a time) makes the script answer kIndexMoved.
  for (int attempt = 0; attempt < kIndexReadTries; ++attempt) {
    if (attempt > 0) before = co_await read_indexed_under(redis_, ids);
    if (!before)
      co_return redis::bad_reply_as(before.error(), std::make_error_code(std::errc::io_error));
    ScriptCall call = upsert_members_call(slice, *before, options_.dry_run);
    codes = redis::decode<std::vector<int64_t>>(
        co_await redis_.eval(upsert_members_script(), std::move(call.keys), std::move(call.args)),
        &why);
    if (!codes || codes->size() != 1 || (*codes)[0] != kIndexMoved) break;
  }
  if (codes && codes->size() == 1 && (*codes)[0] == kIndexMoved) {
    spdlog::error("event=import_batch_failed error=\"members kept moving while being written\"");
    co_return std::make_error_code(std::errc::resource_unavailable_try_again);
  }
  const std::error_code io_error = std::make_error_code(std::errc::io_error);
  if (!codes && redis::bad_reply_as(codes.error(), io_error) != io_error) co_return codes.error();
  if (!codes || codes->size() != slice.size()) {
    spdlog::error("event=import_batch_failed error={}", log::quote(why));
    co_return std::make_error_code(std::errc::io_error);
  }
  co_return codes;
}

// The display names of the batch's regions, sectors, locals and job titles, in the
// `labels` hash the turnout reads (turnout/turnout_field.h): the first spelling written
// stays (HSETNX). Each name is sent once per import.
boost::asio::awaitable<std::error_code> ImportRun::write_labels() {
  std::vector<redis::Command> writes;
  for (const Member& member : batch_) {
    const std::pair<const char*, const std::string*> names[] = {{"region:", &member.region()},
                                                                {"sector:", &member.sector()},
                                                                {"local:", &member.local()},
                                                                {"title:", &member.job_title()}};
    for (const auto& [kind, name] : names) {
      const std::string folded = fold(*name);
      if (folded.empty()) continue;
      std::string key = kind + folded;
      if (!labeled_.insert(key).second) continue;
      writes.push_back(
          {"HSETNX", std::string(turnout::kLabels), std::move(key), std::string(trim(*name))});
    }
  }
  if (writes.empty()) co_return std::error_code{};
  auto replies = co_await redis_.exec_pipeline(std::move(writes));
  if (!replies) co_return replies.error();
  co_return std::error_code{};
}

boost::asio::awaitable<Result<int64_t>> ImportRun::remove_members(
    const std::vector<std::string>& ids) {
  int64_t total = 0;
  for (size_t first = 0; first < ids.size(); first += kWriteSlice) {
    const std::vector<std::string> slice(ids.begin() + first,
                                         ids.begin() + std::min(ids.size(), first + kWriteSlice));
    Result<int64_t> removed = make_error_code(redis::Errc::unexpected_reply);
    for (int attempt = 0; attempt < kIndexReadTries; ++attempt) {
      auto before = co_await read_indexed_under(redis_, slice);
      if (!before) co_return before.error();
      ScriptCall call = remove_members_call(slice, *before);
      removed = redis::decode<int64_t>(co_await redis_.eval(
          remove_members_script(), std::move(call.keys), std::move(call.args)));
      if (!removed || *removed != kIndexMoved) break;
    }
    if (!removed) co_return removed.error();
    if (*removed == kIndexMoved) {
      co_return std::make_error_code(std::errc::resource_unavailable_try_again);
    }
    total += *removed;
  }
  co_return total;
}

boost::asio::awaitable<std::error_code> ImportRun::remove_absent() {
  // Walk the stored ids with SSCAN (never one huge reply) and remove, batch by batch,
  // those the file did not name.
  std::string cursor = "0";
  do {
    redis::Command scan{"SSCAN", std::string(keys::kAll), cursor, "COUNT",
                        std::to_string(options_.batch_size)};
    auto page = redis::decode<std::pair<std::string, std::vector<std::string>>>(
        co_await redis_.exec(std::move(scan)));
    if (!page)
      co_return redis::bad_reply_as(page.error(), std::make_error_code(std::errc::io_error));
    cursor = page->first;
    std::vector<std::string> absent;
    for (auto& id : page->second) {
      if (!seen_ids_.count(id)) absent.push_back(std::move(id));
    }
    if (absent.empty()) continue;
    if (options_.dry_run) {
      // SSCAN may return an id twice; count each once.
      for (auto& id : absent) {
        if (counted_absent_.insert(std::move(id)).second) {
          report_.set_removed(report_.removed() + 1);
        }
      }
      continue;
    }
    auto removed = co_await remove_members(absent);
    if (!removed)
      co_return redis::bad_reply_as(removed.error(), std::make_error_code(std::errc::io_error));
    report_.set_removed(report_.removed() + *removed);
  } while (cursor != "0");
  co_return std::error_code{};
}

boost::asio::awaitable<void> ImportRun::unlock() {
  redis::Command unlock{"DEL", std::string(keys::kImportLock)};
  co_await redis_.exec(std::move(unlock));
}

}  // namespace

RosterImporter::RosterImporter(redis::Client& redis, ImportOptions options)
    : redis_(redis), options_(std::move(options)) {}

boost::asio::awaitable<Result<ImportOutcome>> RosterImporter::run(std::string_view csv) {
  const auto started = std::chrono::steady_clock::now();
  auto refuse = [](unsigned status, std::string reason, std::string field) {
    ImportOutcome outcome;
    outcome.refusal = ImportRefusal{status, std::move(reason), std::move(field)};
    return outcome;
  };

  auto records = std::make_unique<RecordStream>(csv);
  auto header_record = records->next();
  if (!header_record) co_return refuse(400, "the file is empty", "file");
  if (!header_record->error.empty()) {
    co_return refuse(
        400, "line " + std::to_string(header_record->line) + ": " + header_record->error, "file");
  }
  HeaderMap header = map_header(header_record->fields);
  if (!header.has(Column::member_id)) {
    co_return refuse(400,
                     "no member-id column (expected a header such as \"Numéro de membre\" or "
                     "\"Member ID\")",
                     "member_id");
  }
  if (!header.has(Column::mobile) && !header.has(Column::email)) {
    co_return refuse(400, "no mobile or email column: nobody could be reached", "mobile");
  }

  ImportRun run(redis_, options_);
  // One import at a time: two interleaved --replace imports would remove each other's
  // members.
  redis::Command lock{"SET", std::string(keys::kImportLock), run.job_, "NX",
                      "EX",  std::to_string(lock_seconds)};
  // SET NX answers OK when it took the lock, nil when another import holds it.
  auto locked = redis::decode<std::optional<std::string>>(co_await redis_.exec(std::move(lock)));
  if (!locked) {
    co_return redis::bad_reply_as(locked.error(), std::make_error_code(std::errc::io_error));
  }
  if (!*locked)
    co_return refuse(409,
                     "another import is running (an interrupted one holds "
                     "the lock for up to 15 minutes)",
                     "");

  run.report_.set_encoding(encoding_name(records->encoding()));
  run.report_.set_delimiter(std::string(1, records->delimiter()));
  for (const auto& ignored : header.ignored) run.report_.add_ignored_columns(ignored);
  for (const auto& duplicate : header.duplicates) {
    run.add_problem(make_import_problem(static_cast<int64_t>(header_record->line), duplicate,
                                        "this column appears twice; the first one is used", false));
  }

  std::error_code failure;
  {
    BatchProducer producer(std::move(records), header, options_.phone_region, options_.batch_size,
                           co_await boost::asio::this_coro::executor);
    while (auto batch = co_await producer.next()) {
      run.report_.set_rows(run.report_.rows() + batch->rows);
      run.report_.set_rejected(run.report_.rejected() + batch->rejected);
      for (auto& problem : batch->problems) run.add_problem(std::move(problem));
      run.batch_ = std::move(batch->members);
      run.batch_lines_ = std::move(batch->lines);
      failure = co_await run.flush();
      if (failure) break;
    }
  }
  const int64_t kept = run.report_.imported() + run.report_.updated() + run.report_.unchanged();
  if (!failure && options_.replace && kept == 0) {
    // Every row rejected: "replace" would mean "remove everyone". Never on a bad file.
    run.add_problem(make_import_problem(0, "", "no valid row: --replace removed nobody", false));
  } else if (!failure && options_.replace) {
    failure = co_await run.remove_absent();
  }
  co_await run.unlock();
  if (failure) co_return failure;
  run.report_shared_phones();

  run.report_.set_seconds(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  ImportOutcome outcome;
  outcome.report = std::move(run.report_);
  co_return outcome;
}

}  // namespace tocsin::members
