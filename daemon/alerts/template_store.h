#pragma once
// The union's alert templates, one per kind, in the Redis hash `templates` (field: the
// kind's name, alerts/template_rules.h; value: an AlertTemplate in JSON). Each kind is
// seeded from the template compiled into the daemon (alerts/template_seeds.h) only when
// its field is absent, so an admin's edit survives restarts and upgrades.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include "alerts/alert_store.h"
#include "alerts/alert_validation.h"
#include "auth/principal.h"
#include "proto/console.pb.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::alerts {

// A PUT refused for its content: every problem, nothing stored.
struct TemplateProblems {
  std::vector<FieldProblem> problems;
};

class TemplateStore {
 public:
  // Parses the seeds: throws std::logic_error at startup should one be broken.
  explicit TemplateStore(redis::Client& redis);

  // Writes each seed whose kind has no template yet (HSETNX). Once per process: later
  // calls return at once. False when Redis failed (tried again on the next call).
  boost::asio::awaitable<bool> seed();

  // Every kind's template, seeded first. Refused only when Redis is unavailable.
  boost::asio::awaitable<Outcome<TemplateListResponse>> list();
  // One kind's ("emergency-assembly"): 404 for an unknown name.
  boost::asio::awaitable<Outcome<AlertTemplate>> get(std::string name);
  // Replaces a kind's template after validate_template(); audited (stream `audit`, action
  // template.set). TemplateProblems when its content is refused.
  boost::asio::awaitable<std::variant<AlertTemplate, TemplateProblems, Refusal>> put(
      std::string name, Alert tmpl, auth::Principal by, std::chrono::system_clock::time_point now);

 private:
  redis::Client& redis_;
  const std::vector<AlertTemplate> seeds_;  // parse_template_seeds(), in kind order
  bool seeded_ = false;
};

// The seeds as parsed templates, in the order of template_kinds(); throws std::logic_error
// naming the file when one does not parse (a build with a broken seed fails its unit test).
std::vector<AlertTemplate> parse_template_seeds();

}  // namespace tocsin::alerts
