#include "members/unknown_terms.h"

#include <map>

#include "members/audience.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "members/turnout_field.h"
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

KnownValues known_values(const std::vector<std::string>& labels, const std::string& dimension) {
  const std::string prefix = dimension + ":";
  KnownValues known;
  for (size_t i = 0; i + 1 < labels.size(); i += 2) {
    const std::string& field = labels[i];
    if (!field.starts_with(prefix)) continue;
    std::string folded = field.substr(prefix.size());
    known.names[folded] = labels[i + 1];
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
  auto found =
      redis::decode_each<redis::Rest<int64_t>>(co_await redis.exec_pipeline(std::move(exists)));
  if (!found) co_return found.error();
  const std::vector<int64_t>& exist = std::get<0>(*found).values;
  for (size_t i = 0; i < terms.size() && i < exist.size(); ++i) {
    if (exist[i] == 0) unknown.push_back({terms[i].first, terms[i].second, {}});
  }
  if (unknown.empty()) co_return unknown;

  redis::Command list{"HGETALL", std::string(turnout::kLabels)};
  // HGETALL's field, name pairs, in Redis's order; a reply that does not read suggests
  // nothing.
  auto labels = redis::decode<std::vector<std::string>>(co_await redis.exec(std::move(list)));
  const auto io_error = std::make_error_code(std::errc::io_error);
  if (!labels && redis::bad_reply_as(labels.error(), io_error) != io_error) {
    co_return labels.error();
  }
  const std::vector<std::string> pairs = labels ? std::move(*labels) : std::vector<std::string>{};
  for (UnknownTerm& term : unknown) {
    const KnownValues known = known_values(pairs, term.dimension);
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
