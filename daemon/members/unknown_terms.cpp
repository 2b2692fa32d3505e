#include "members/unknown_terms.h"

#include "members/audience.h"
#include "redis/client.h"
#include "turnout/turnout_field.h"
#include "util/did_you_mean.h"

namespace tocsin::members {
namespace {

// The folded values members have for `dimension`, from the `labels` hash's fields
// ("region:estrie"); empty for tags, which it does not list.
std::vector<std::string> known_values(const std::vector<std::string>& label_fields,
                                      const std::string& dimension) {
  const std::string prefix = dimension + ":";
  std::vector<std::string> values;
  for (const std::string& field : label_fields) {
    if (field.starts_with(prefix)) values.push_back(field.substr(prefix.size()));
  }
  return values;
}

}  // namespace

boost::asio::awaitable<Result<std::vector<UnknownTerm>>> find_unknown_terms(
    redis::Client& redis, const std::vector<std::pair<std::string, std::string>>& terms) {
  std::vector<UnknownTerm> unknown;
  if (terms.empty()) co_return unknown;
  std::vector<redis::Command> exists;
  for (const auto& [dimension, value] : terms) {
    exists.push_back({"EXISTS", index_key(dimension, value)});
  }
  auto found = co_await redis.exec_pipeline(std::move(exists));
  if (!found) co_return found.error();
  for (size_t i = 0; i < terms.size() && i < found->size(); ++i) {
    if ((*found)[i].integer == 0) unknown.push_back({terms[i].first, terms[i].second, {}});
  }
  if (unknown.empty()) co_return unknown;

  redis::Command list{"HKEYS", std::string(turnout::kLabels)};
  auto labels = co_await redis.exec(std::move(list));
  if (!labels) co_return labels.error();
  std::vector<std::string> fields;
  for (const redis::Reply& field : labels->elements) fields.push_back(field.str);
  for (UnknownTerm& term : unknown) {
    term.suggestion = closest_name(term.value, known_values(fields, term.dimension));
  }
  co_return unknown;
}

std::string describe(const UnknownTerm& term) {
  std::string text = "no member has " + term.dimension + " \"" + term.value + "\"";
  if (term.suggestion) text += " (did you mean \"" + *term.suggestion + "\"?)";
  return text;
}

std::string describe(const std::vector<UnknownTerm>& terms) {
  std::string text;
  for (const UnknownTerm& term : terms) {
    if (!text.empty()) text += "; ";
    text += describe(term);
  }
  return text;
}

}  // namespace tocsin::members
