#include "alerts/template_store.h"

#include <optional>
#include <stdexcept>

#include "alerts/alert_keys.h"
#include "alerts/template_rules.h"
#include "alerts/template_seeds.h"
#include "audit/audit_relay.h"
#include "http/json.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "util/text_format_errors.h"

namespace tocsin::alerts {
namespace {

// A stored value that no longer parses (edited by hand in Redis) is answered as the seed
// would be rather than failing the whole list: the officer still gets a form to start from.
AlertTemplate parse_stored(const std::string& json, const AlertTemplate& seed) {
  AlertTemplate stored;
  std::string error;
  if (!http::from_json(json, &stored, &error)) return seed;
  stored.set_kind_name(seed.kind_name());
  return stored;
}

}  // namespace

std::vector<AlertTemplate> parse_template_seeds() {
  std::vector<AlertTemplate> seeds;
  for (AlertKind kind : template_kinds()) {
    const std::string file = kind_name(kind) + ".textpb";
    const TemplateSeed* found = nullptr;
    for (size_t i = 0; i < kTemplateSeedCount; ++i) {
      if (kTemplateSeeds[i].name == file) found = &kTemplateSeeds[i];
    }
    if (found == nullptr) {
      throw std::logic_error("config/alerts/templates/" + file + " was not compiled in");
    }
    AlertTemplate seed;
    seed.set_kind_name(kind_name(kind));
    if (auto problem = text_format::parse(found->bytes, seed.mutable_alert(), "a template")) {
      throw std::logic_error(problem->position_in("config/alerts/templates/" + file) + ": " +
                             problem->message);
    }
    seed.mutable_alert()->set_kind(kind);
    seeds.push_back(std::move(seed));
  }
  return seeds;
}

TemplateStore::TemplateStore(redis::Client& redis)
    : redis_(redis), seeds_(parse_template_seeds()) {}

boost::asio::awaitable<bool> TemplateStore::seed() {
  if (seeded_) co_return true;
  std::vector<redis::Command> writes;
  for (const AlertTemplate& seed : seeds_) {
    writes.push_back(
        {"HSETNX", std::string(keys::kTemplates), seed.kind_name(), http::to_json(seed)});
  }
  auto written = co_await redis_.exec_pipeline(std::move(writes));
  if (!written) co_return false;
  seeded_ = true;
  co_return true;
}

boost::asio::awaitable<Outcome<TemplateListResponse>> TemplateStore::list() {
  if (!co_await seed()) co_return unavailable();
  redis::Command read{"HMGET", std::string(keys::kTemplates)};
  for (const AlertTemplate& seed : seeds_) read.push_back(seed.kind_name());
  auto found =
      redis::decode<std::vector<std::optional<std::string>>>(co_await redis_.exec(std::move(read)));
  if (!found || found->size() != seeds_.size()) co_return unavailable();
  TemplateListResponse response;
  for (size_t i = 0; i < seeds_.size(); ++i) {
    const auto& value = (*found)[i];
    *response.add_templates() = value ? parse_stored(*value, seeds_[i]) : seeds_[i];
  }
  co_return response;
}

boost::asio::awaitable<Outcome<AlertTemplate>> TemplateStore::get(std::string name) {
  const auto kind = parse_kind_name(name);
  if (!kind) co_return Refusal{404, describe_unknown_kind(name), "kind"};
  auto all = co_await list();
  if (auto* refusal = std::get_if<Refusal>(&all)) co_return std::move(*refusal);
  for (const AlertTemplate& tmpl : std::get<TemplateListResponse>(all).templates()) {
    if (tmpl.kind_name() == kind_name(*kind)) co_return tmpl;
  }
  co_return Refusal{404, describe_unknown_kind(name), "kind"};
}

boost::asio::awaitable<std::variant<AlertTemplate, TemplateProblems, Refusal>> TemplateStore::put(
    std::string name, Alert tmpl, auth::Principal by, std::chrono::system_clock::time_point now) {
  const auto kind = parse_kind_name(name);
  if (!kind) co_return Refusal{404, describe_unknown_kind(name), "kind"};
  if (auto problems = validate_template(tmpl, *kind, now); !problems.empty()) {
    co_return TemplateProblems{std::move(problems)};
  }
  // Seeded first, so the seed never overwrites this edit later in the process's life.
  if (!co_await seed()) co_return unavailable();
  tmpl.set_kind(*kind);
  AlertTemplate stored;
  stored.set_kind_name(kind_name(*kind));
  *stored.mutable_alert() = std::move(tmpl);
  stored.set_updated_by(by.name);
  stored.set_updated_at_unix(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  // The edit and its audit entry together, or neither: in one slot, the entry relayed to
  // the audit log right after (audit/audit_relay.h).
  std::vector<redis::Command> writes{
      {"MULTI"},
      {"HSET", std::string(keys::kTemplates), stored.kind_name(), http::to_json(stored)},
      {"XADD", std::string(keys::kTemplatesAudit), "*", "actor", by.name, "action",
       "template.set", "summary", "kind=" + stored.kind_name() + " token=" + by.token_id},
      {"EXEC"}};
  // EXEC answers nil when the transaction was not run.
  auto written = redis::decode_exec<redis::Ignore, redis::Ignore>(
      co_await redis_.exec_pipeline(std::move(writes)));
  if (!written) co_return unavailable();
  co_await audit::relay(redis_, std::string(keys::kTemplatesAudit));
  co_return stored;
}

}  // namespace tocsin::alerts
