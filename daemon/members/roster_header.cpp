#include "members/roster_header.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "members/text_fold.h"

namespace tocsin::members {
namespace {

struct Synonyms {
  Column column;
  std::vector<std::string_view> names;
};

// Written as people type them; normalize() is applied to these too, so accents and
// punctuation here do not matter.
const std::vector<Synonyms>& synonyms() {
  static const std::vector<Synonyms> table = {
      {Column::member_id,
       {"numéro de membre", "no de membre", "no membre", "numéro membre", "matricule", "member id",
        "member number", "member no", "id", "membre id", "id membre", "numéro d'employé",
        "employee id", "employee number"}},
      {Column::first_name, {"prénom", "first name", "firstname", "given name"}},
      {Column::last_name,
       {"nom", "nom de famille", "last name", "lastname", "surname", "family name"}},
      {Column::mobile,
       {"cellulaire", "cell", "mobile", "téléphone", "tel", "téléphone cellulaire", "phone",
        "mobile phone", "cell phone", "cellphone", "no de cellulaire", "numéro de cellulaire",
        "no de téléphone", "numéro de téléphone", "téléphone mobile", "phone number",
        "mobile number", "cell number", "sms"}},
      {Column::email,
       {"courriel", "email", "e-mail", "adresse courriel", "email address", "e-mail address",
        "courriel personnel", "adresse de courriel", "adresse électronique", "mail"}},
      {Column::language,
       {"langue", "language", "langue de correspondance", "langue préférée", "preferred language"}},
      {Column::region, {"région", "région administrative", "region"}},
      {Column::sector, {"secteur", "sector"}},
      {Column::local,
       {"syndicat local", "local", "section locale", "local union", "no de local",
        "numéro de local", "local number"}},
      {Column::job_title, {"titre d'emploi", "titre demploi", "job title", "title", "fonction"}},
      {Column::tags, {"étiquettes", "étiquette", "tags", "tag", "labels", "label"}},
  };
  return table;
}

std::string normalize(std::string_view header) {
  std::string folded = fold(header);
  if (folded.ends_with("(s)")) folded.resize(folded.size() - 3);
  std::string out;
  out.reserve(folded.size() + 2);
  for (size_t i = 0; i < folded.size(); ++i) {
    const char c = folded[i];
    if (c == '#') {
      out.append(" no ");  // "Member #", "# de membre"
    } else if (c == '.' || c == '_' || c == '-' || c == ':' || c == '/' || c == '(' || c == ')' ||
               c == '*' || c == '"') {
      out.push_back(' ');
    } else if (c == '\'') {
      // dropped: "titre d'emploi" and "titre demploi" both become the second
    } else if (folded.compare(i, 2, "\xC2\xB0") == 0 || folded.compare(i, 2, "\xC2\xBA") == 0) {
      out.push_back('o');  // N° / Nº de membre
      ++i;
    } else {
      out.push_back(c);
    }
  }
  return fold(out);  // trims and collapses the spaces punctuation left behind
}

const std::unordered_map<std::string, Column>& lookup() {
  static const std::unordered_map<std::string, Column> map = [] {
    std::unordered_map<std::string, Column> m;
    for (const Synonyms& s : synonyms()) {
      for (const std::string_view name : s.names) m.emplace(normalize(name), s.column);
    }
    return m;
  }();
  return map;
}

}  // namespace

std::string_view column_name(Column column) {
  switch (column) {
    case Column::member_id:
      return "member_id";
    case Column::first_name:
      return "first_name";
    case Column::last_name:
      return "last_name";
    case Column::mobile:
      return "mobile";
    case Column::email:
      return "email";
    case Column::language:
      return "language";
    case Column::region:
      return "region";
    case Column::sector:
      return "sector";
    case Column::local:
      return "local";
    case Column::job_title:
      return "job_title";
    case Column::tags:
      return "tags";
  }
  return "unknown";
}

bool HeaderMap::has(Column column) const {
  return std::find(by_index.begin(), by_index.end(), column) != by_index.end();
}

std::optional<Column> match_header(std::string_view header) {
  const auto& map = lookup();
  const auto it = map.find(normalize(header));
  if (it == map.end()) return std::nullopt;
  return it->second;
}

HeaderMap map_header(const std::vector<std::string>& header_fields) {
  HeaderMap result;
  result.by_index.reserve(header_fields.size());
  for (const std::string& field : header_fields) {
    std::optional<Column> column = match_header(field);
    if (!column) {
      result.ignored.push_back(field);
    } else if (result.has(*column)) {
      result.duplicates.push_back(field);
      column.reset();
    }
    result.by_index.push_back(column);
  }
  return result;
}

}  // namespace tocsin::members
