#include "members/roster_row.h"

#include <algorithm>
#include <set>

#include "members/phone.h"
#include "members/text_fold.h"

namespace tocsin::members {
namespace {

constexpr size_t max_id_bytes = 64;
constexpr size_t max_value_bytes = 200;

std::string flatten_line_breaks(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const bool is_break = c == '\n' || c == '\r' || c == '\t';
    if (!is_break) {
      out += c;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  return out;
}

bool has_control_characters(const std::string& text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

}  // namespace

ImportProblem make_import_problem(int64_t line, std::string column, std::string reason,
                                  bool rejected) {
  ImportProblem problem;
  problem.set_line(line);
  problem.set_column(std::move(column));
  problem.set_reason(std::move(reason));
  problem.set_rejected(rejected);
  return problem;
}

std::optional<std::string> normalize_language(const std::string& raw) {
  const std::string folded = fold(raw);
  if (folded.empty()) return "fr";
  static const std::set<std::string> french = {"fr",       "f",      "fra",   "fre",
                                               "francais", "french", "fr-ca", "fr_ca"};
  static const std::set<std::string> english = {"en",      "e",     "eng",  "anglais",
                                                "english", "en-ca", "en_ca"};
  if (french.count(folded)) return "fr";
  if (english.count(folded)) return "en";
  return std::nullopt;
}

std::vector<std::string> split_tags(const std::string& raw) {
  std::vector<std::string> tags;
  std::set<std::string> seen;
  size_t start = 0;
  while (start <= raw.size()) {
    size_t end = raw.find_first_of(",;|/", start);
    if (end == std::string::npos) end = raw.size();
    std::string tag(trim(std::string_view(raw).substr(start, end - start)));
    if (!tag.empty() && seen.insert(fold(tag)).second) tags.push_back(std::move(tag));
    start = end + 1;
  }
  return tags;
}

RowOutcome parse_roster_row(const CsvRecord& record, const HeaderMap& header,
                            const std::string& default_region) {
  RowOutcome out;
  auto reject = [&](std::string column, std::string reason) {
    out.problems.push_back(make_import_problem(static_cast<int64_t>(record.line), std::move(column),
                                               std::move(reason), true));
    out.member.reset();
    return out;
  };
  if (!record.error.empty()) return reject("", record.error);
  if (record.fields.size() != header.by_index.size()) {
    return reject("", "expected " + std::to_string(header.by_index.size()) + " fields, found " +
                          std::to_string(record.fields.size()));
  }

  Member member;
  std::string raw_mobile;
  std::string raw_email;
  std::string raw_language;
  for (size_t i = 0; i < record.fields.size(); ++i) {
    const auto& column = header.by_index[i];
    if (!column) continue;
    const std::string name(column_name(*column));
    if (!is_valid_utf8(record.fields[i])) return reject(name, "invalid UTF-8");
    // A line break typed inside a cell (Alt+Enter in Excel) is layout, not content.
    std::string value(trim(flatten_line_breaks(record.fields[i])));
    if (value.size() > max_value_bytes && *column != Column::tags) {
      return reject(name, "longer than " + std::to_string(max_value_bytes) + " bytes");
    }
    if (has_control_characters(value)) return reject(name, "contains control characters");
    switch (*column) {
      case Column::member_id:
        member.set_id(value);
        break;
      case Column::first_name:
        member.set_first_name(value);
        break;
      case Column::last_name:
        member.set_last_name(value);
        break;
      case Column::mobile:
        raw_mobile = value;
        break;
      case Column::email:
        raw_email = value;
        break;
      case Column::language:
        raw_language = value;
        break;
      case Column::region:
        member.set_region(value);
        break;
      case Column::sector:
        member.set_sector(value);
        break;
      case Column::local:
        member.set_local(value);
        break;
      case Column::job_title:
        member.set_job_title(value);
        break;
      case Column::tags:
        for (auto& tag : split_tags(value)) member.add_tags(std::move(tag));
        break;
    }
  }
  if (member.id().empty()) return reject("member_id", "missing member id");
  if (member.id().size() > max_id_bytes) {
    return reject("member_id", "longer than " + std::to_string(max_id_bytes) + " bytes");
  }

  auto keep_with_warning = [&](std::string column, std::string reason) {
    out.problems.push_back(make_import_problem(static_cast<int64_t>(record.line), std::move(column),
                                               std::move(reason), false));
  };
  if (!raw_mobile.empty()) {
    std::string error;
    if (auto e164 = normalize_phone(raw_mobile, default_region, &error)) {
      member.set_mobile(*e164);
    } else {
      keep_with_warning("mobile", error + "; kept without a mobile");
    }
  }
  if (!raw_email.empty()) {
    std::string error;
    if (auto email = normalize_email(raw_email, &error)) {
      member.set_email(*email);
    } else {
      keep_with_warning("email", error + "; kept without an email");
    }
  }
  if (auto language = normalize_language(raw_language)) {
    member.set_language(*language);
  } else {
    member.set_language("fr");
    keep_with_warning("language", "unknown language \"" + raw_language + "\"; using fr");
  }
  if (member.mobile().empty() && member.email().empty()) {
    keep_with_warning("", "no valid mobile or email: this member cannot be reached");
  }
  out.member = std::move(member);
  return out;
}

}  // namespace tocsin::members
