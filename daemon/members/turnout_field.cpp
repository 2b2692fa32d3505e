#include "members/turnout_field.h"

#include <charconv>

namespace tocsin::turnout {

std::string key_part(std::string_view folded) {
  if (folded.empty()) return std::string(kNoRegion);
  std::string part(folded);
  for (char& c : part) {
    if (c == '|') c = '/';
  }
  return part;
}

std::string field_name(std::string_view region, std::string_view dimension,
                       std::string_view measure) {
  std::string name = key_part(region);
  name += '|';
  name += dimension;
  name += '|';
  name += measure;
  return name;
}

std::optional<FieldName> parse_field(std::string_view field) {
  const size_t first = field.find('|');
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = field.find('|', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (field.find('|', second + 1) != std::string_view::npos) return std::nullopt;
  FieldName name{field.substr(0, first), field.substr(first + 1, second - first - 1),
                 field.substr(second + 1)};
  if (name.region.empty() || name.dimension.empty() || name.measure.empty()) return std::nullopt;
  return name;
}

int64_t parse_count(std::string_view text) {
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace tocsin::turnout
