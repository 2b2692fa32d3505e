#include "members/audience_counter.h"

#include <spdlog/spdlog.h>

#include <random>
#include <tuple>

#include "log/log.h"
#include "members/audience_count.lua.h"
#include "members/audience_program.h"
#include "members/member_keys.h"
#include "redis/decode.h"

namespace tocsin::members {
namespace {

// members/audience_count.lua runs the program of audience_program.h. Every key it touches
// is declared in KEYS, all under the {roster} tag (member_keys.h): one slot, so one step
// on one node of a cluster, and a count sees all the indexes at one instant.
//
// Counting uses SINTERCARD (Redis 7.0), which walks the smallest of its sets. Everyone's
// figures avoid walking 600,000 members by relying on members:sms and members:email being
// subsets of members:all (the importer's scripts add and remove an id in all of them
// together). Opt-outs are still intersected with members:all: that walks only the opt-out
// set, and a stale id there must not lower the count.
//
// A script blocks Redis while it runs: about 10-150 ms for the expressions measured by
// tests/bench/audience_count_bench.cpp on 600,000 members.
const redis::Script& audience_script() {
  static const redis::Script script(std::string(lua::audience_count));
  return script;
}

// Unique per call, so two daemons sharing one Redis never collide even if a script were
// ever interrupted between creating and deleting its keys.
std::string temp_prefix() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag;
  uint64_t bits = random();
  for (int i = 0; i < 16; ++i, bits >>= 4) tag += kHex[bits & 15];
  return keys::audience_temporaries(tag);
}

}  // namespace

AudienceCounter::AudienceCounter(redis::Client& redis) : redis_(redis) {
  redis_.load_on_connect(audience_script());
}

boost::asio::awaitable<Result<AudienceCount>> AudienceCounter::count(const AudienceExpr& expr) {
  AudienceProgram program = compile_audience(expr, temp_prefix());
  using Figures = std::tuple<int64_t, int64_t, int64_t, std::vector<int64_t>>;
  std::string why;
  auto figures = redis::decode<Figures>(
      co_await redis_.eval(audience_script(), std::move(program.keys), std::move(program.args)),
      &why);
  const auto io_error = std::make_error_code(std::errc::io_error);
  if (!figures && redis::bad_reply_as(figures.error(), io_error) != io_error) {
    co_return figures.error();
  }
  if (!figures || std::get<3>(*figures).size() != program.term_texts.size()) {
    // An error reply names keys and commands, never member data: safe to log.
    spdlog::error("event=audience_script_failed audience={} error={}", log::quote(to_string(expr)),
                  log::quote(figures ? "unexpected reply" : why));
    co_return io_error;
  }
  const auto& [members, sms_reachable, email_reachable, known] = *figures;
  AudienceCount count;
  count.members = members;
  count.sms_reachable = sms_reachable;
  count.email_reachable = email_reachable;
  for (size_t i = 0; i < program.term_texts.size(); ++i) {
    if (known[i] == 0) count.unknown_terms.push_back(program.term_texts[i]);
  }
  co_return count;
}

}  // namespace tocsin::members
