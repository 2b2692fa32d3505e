#include "members/unknown_terms.h"

#include <map>

#include "members/audience.h"
#include "members/turnout_field.h"
#include "redis/client.h"
#include "util/did_you_mean.h"

namespace tocsin::members {
namespace {

// The values members have for `dimension`, from the `labels` hash (HGETALL: field, name,
// ...): folded ("region:estrie" -> "estrie") to compare, and folded -> the name a roster
// wrote ("Estrie") to suggest. Empty for tags, which it does not list.
struct KnownValues {
  std::vector<std::string> folded;
  std::map<std::string, std::string> names;
};

KnownValues known_values(const redis::Reply& labels, const std::string& dimension) {
  const std::string prefix = dimension + ":";
  KnownValues known;
  for (size_t i = 0; i + 1 < labels.elements.size(); i += 2) {
    const std::string& field = labels.elements[i].str;
    if (!field.starts_with(prefix)) continue;
    std::string folded = field.substr(prefix.size());
    known.names[folded] = labels.elements[i + 1].str;
    known.folded.push_back(std::move(folded));
  }
  return known;
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

  redis::Command list{"HGETALL", std::string(turnout::kLabels)};
  auto labels = co_await redis.exec(std::move(list));
  if (!labels) co_return labels.error();
  for (UnknownTerm& term : unknown) {
    const KnownValues known = known_values(*labels, term.dimension);
    if (auto closest = closest_name(term.value, known.folded)) {
      // The name as members' rosters spell it: what an officer recognizes, and it matches
      // in an audience as well as the folded form does.
      const auto name = known.names.find(*closest);
      term.suggestion = name->second.empty() ? *closest : name->second;
    }
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
