#include "members/audience_counter.h"

#include <spdlog/spdlog.h>

#include <random>

#include "log/log.h"
#include "members/audience_program.h"

namespace tocsin::members {
namespace {

// Runs the program of audience_program.h. Every key it touches is declared in KEYS, but
// the index keys do not share a hash slot, so this is for a single Redis (with replicas),
// not Redis Cluster: a million members fit well within one instance (daemon/README.md,
// "Redis"), and a count must see all the indexes at one instant anyway.
//
// The operations run inside pcall so that an error (a key of the wrong type, OOM) still
// deletes the temporary keys before the error goes back to the caller.
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
  static const redis::Script script(R"lua(
local mode = ARGV[1]
local term_count = tonumber(ARGV[2])
local first_temp = tonumber(ARGV[3])
local temp_count = tonumber(ARGV[4])
local result = KEYS[tonumber(ARGV[5])]
local negated = ARGV[6] == '1'
local all, sms, sms_out, email, email_out = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local commands = { i = 'SINTERSTORE', u = 'SUNIONSTORE', d = 'SDIFFSTORE' }

local function evaluate()
  local pc = 7
  while pc <= #ARGV do
    local n = tonumber(ARGV[pc + 1])
    local operands = {}
    for j = 1, n do operands[j] = KEYS[tonumber(ARGV[pc + 2 + j])] end
    redis.call(commands[ARGV[pc]], KEYS[tonumber(ARGV[pc + 2])], unpack(operands))
    pc = pc + 3 + n
  end
end

local function card(...)
  return redis.call('SINTERCARD', select('#', ...), ...)
end

-- Members of `set` (restricted to `within`, when given), and how many of them each channel
-- reaches.
local function counts(set, within)
  local base = within and { set, within } or { set }
  local function reachable(channel, optout)
    local with_address = card(channel, unpack(base))
    if with_address == 0 then return 0 end
    return with_address - card(channel, optout, unpack(base))
  end
  return { card(unpack(base)), reachable(sms, sms_out), reachable(email, email_out) }
end

local function everyone()
  return { redis.call('SCARD', all), redis.call('SCARD', sms) - card(sms, sms_out, all),
           redis.call('SCARD', email) - card(email, email_out, all) }
end

local function store(destination)
  local is_temp = false
  for j = first_temp, first_temp + temp_count - 1 do
    if KEYS[j] == result then is_temp = true end
  end
  if negated then
    redis.call('SDIFFSTORE', destination, all, result)
  elseif not is_temp then
    redis.call('SUNIONSTORE', destination, result)
  elseif redis.call('EXISTS', result) == 1 then
    -- O(1): the result is ours to give away.
    redis.call('RENAME', result, destination)
  else
    -- An empty result never existed.
    redis.call('DEL', destination)
  end
end

local function run()
  evaluate()
  local figures
  if negated then
    local total = everyone()
    local excluded = counts(result, all)
    figures = { total[1] - excluded[1], total[2] - excluded[2], total[3] - excluded[3] }
  elseif result == all then
    figures = everyone()
  else
    figures = counts(result)
  end
  if mode == 'store' then store(KEYS[#KEYS]) end
  local known = {}
  for j = 1, term_count do known[j] = redis.call('EXISTS', KEYS[5 + j]) end
  figures[4] = known
  return figures
end

local ok, reply = pcall(run)
if temp_count > 0 then
  redis.call('UNLINK', unpack(KEYS, first_temp, first_temp + temp_count - 1))
end
if not ok then
  if type(reply) == 'table' and reply.err then return redis.error_reply(reply.err) end
  return redis.error_reply(tostring(reply))
end
return reply
)lua");
  return script;
}

// Unique per call, so two daemons sharing one Redis never collide even if a script were
// ever interrupted between creating and deleting its keys. The hash tag keeps one call's
// temporaries together should these keys ever move to a cluster.
std::string temp_prefix() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string prefix = "tmp:aud:{";
  uint64_t bits = random();
  for (int i = 0; i < 16; ++i, bits >>= 4) prefix += kHex[bits & 15];
  prefix += "}:";
  return prefix;
}

bool is_integer(const redis::Reply& reply) {
  return reply.type == redis::Reply::Type::integer;
}

}  // namespace

AudienceCounter::AudienceCounter(redis::Client& redis) : redis_(redis) {
  redis_.load_on_connect(audience_script());
}

boost::asio::awaitable<Result<AudienceCount>> AudienceCounter::run(
    const AudienceExpr& expr, const std::string* destination_key) {
  AudienceProgram program = compile_audience(expr, temp_prefix(), destination_key);
  auto reply =
      co_await redis_.eval(audience_script(), std::move(program.keys), std::move(program.args));
  if (!reply) co_return reply.error();
  const auto& elements = reply->elements;
  bool well_formed = reply->type == redis::Reply::Type::array && elements.size() == 4 &&
                     is_integer(elements[0]) && is_integer(elements[1]) &&
                     is_integer(elements[2]) &&
                     elements[3].elements.size() == program.term_texts.size();
  if (!well_formed) {
    // An error reply names keys and commands, never member data: safe to log.
    spdlog::error("event=audience_script_failed audience={} error={}", log::quote(to_string(expr)),
                  log::quote(reply->is_error() ? reply->str : "unexpected reply"));
    co_return std::make_error_code(std::errc::io_error);
  }
  AudienceCount count;
  count.members = elements[0].integer;
  count.sms_reachable = elements[1].integer;
  count.email_reachable = elements[2].integer;
  for (size_t i = 0; i < program.term_texts.size(); ++i) {
    if (elements[3].elements[i].integer == 0) count.unknown_terms.push_back(program.term_texts[i]);
  }
  co_return count;
}

boost::asio::awaitable<Result<AudienceCount>> AudienceCounter::count(const AudienceExpr& expr) {
  co_return co_await run(expr, nullptr);
}

boost::asio::awaitable<Result<std::string>> AudienceCounter::materialize(
    const AudienceExpr& expr, std::string destination_key) {
  auto reply = co_await run(expr, &destination_key);
  if (!reply) co_return reply.error();
  co_return destination_key;
}

}  // namespace tocsin::members
