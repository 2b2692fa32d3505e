#include "tests/support/synthetic_roster.h"

#include <array>
#include <random>
#include <string_view>

namespace tocsin::testing {
namespace {

constexpr std::array<std::string_view, 17> regions = {"Bas-Saint-Laurent",
                                                      "Saguenay–Lac-Saint-Jean",
                                                      "Capitale-Nationale",
                                                      "Mauricie",
                                                      "Estrie",
                                                      "Montréal",
                                                      "Outaouais",
                                                      "Abitibi-Témiscamingue",
                                                      "Côte-Nord",
                                                      "Nord-du-Québec",
                                                      "Gaspésie–Îles-de-la-Madeleine",
                                                      "Chaudière-Appalaches",
                                                      "Laval",
                                                      "Lanaudière",
                                                      "Laurentides",
                                                      "Montérégie",
                                                      "Centre-du-Québec"};
constexpr std::array<std::string_view, 6> sectors = {"Santé",
                                                     "Éducation",
                                                     "Fonction publique",
                                                     "Enseignement supérieur",
                                                     "Organismes publics",
                                                     "Services sociaux"};
constexpr std::array<std::string_view, 8> job_titles = {
    "Infirmière",       "Préposé aux bénéficiaires",
    "Enseignante",      "Technicien en administration",
    "Agente de bureau", "Ouvrier certifié",
    "Psychoéducatrice", "Concierge"};
constexpr std::array<std::string_view, 5> tags = {"mob-unit", "delegate", "executive",
                                                  "bus-captain", "new-member"};
constexpr std::array<std::string_view, 16> first_names = {
    "Marie", "Jean",    "Françoise", "Luc",       "Émilie", "Stéphane", "Geneviève", "François",
    "Chloé", "Mathieu", "Noémie",    "Sébastien", "Léa",    "Rémi",     "Hélène",    "Olivier"};
constexpr std::array<std::string_view, 16> last_names = {
    "Tremblay", "Gagnon", "Roy",     "Côté",      "Bouchard", "Gauthier", "Morin",    "Lavoie",
    "Fortin",   "Gagné",  "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc"};
// Canadian area codes; with the 555 exchange each gives 10,000 fictional numbers.
constexpr std::array<std::string_view, 24> area_codes = {
    "819", "873", "450", "579", "418", "581", "367", "514", "438", "263", "613", "343",
    "416", "647", "437", "905", "289", "365", "705", "249", "519", "226", "548", "807"};

// `exchange` is 555 for the first 240,000 members (24 area codes of 10,000 numbers), then
// 556, 557...: a roster of 600,000 has distinct phones too, so a blast measures messages
// sent rather than duplicates skipped.
std::string phone_as_typed(std::string_view area, unsigned exchange, unsigned line,
                           unsigned style) {
  char digits[5];
  std::snprintf(digits, sizeof digits, "%04u", line % 10000);
  const std::string a(area);
  const std::string x = std::to_string(exchange);
  switch (style % 5) {
    case 0:
      return a + "-" + x + "-" + digits;
    case 1:
      return "(" + a + ") " + x + " " + digits;
    case 2:
      return "+1 " + a + " " + x + " " + digits;
    case 3:
      return "1-" + a + "-" + x + "-" + digits;
    default:
      return a + x + digits;
  }
}

std::string ascii_fold_for_email(std::string_view text) {
  // Emails are ASCII here; the names' accents are dropped by a tiny map of what we use.
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += static_cast<char>(std::tolower(c));
    } else if (c == 0xC3 && i + 1 < text.size()) {
      const unsigned char d = static_cast<unsigned char>(text[++i]);
      if (d >= 0xA8 && d <= 0xAB)
        out += 'e';
      else if (d == 0x89)
        out += 'e';
      else if (d == 0xA7)
        out += 'c';
      else if (d >= 0xAE && d <= 0xAF)
        out += 'i';
      else if (d == 0xB4)
        out += 'o';
    }
  }
  return out;
}

std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::vector<RosterMember> make_roster(const RosterOptions& options) {
  std::mt19937 random(options.seed);
  auto pick = [&random](const auto& list) {
    return list[std::uniform_int_distribution<size_t>(0, list.size() - 1)(random)];
  };
  std::vector<RosterMember> roster;
  roster.reserve(options.members);
  std::string previous_phone;
  for (size_t i = 0; i < options.members; ++i) {
    RosterMember member;
    member.id = "M" + std::to_string(100000 + i);
    member.first_name = pick(first_names);
    member.last_name = pick(last_names);
    if (options.shared_phone_every != 0 && i % options.shared_phone_every == 1 &&
        !previous_phone.empty()) {
      member.phone = previous_phone;
    } else {
      const size_t numbers_per_exchange = 10000 * area_codes.size();
      member.phone = phone_as_typed(area_codes[(i / 10000) % area_codes.size()],
                                    static_cast<unsigned>(555 + i / numbers_per_exchange),
                                    static_cast<unsigned>(i % 10000), static_cast<unsigned>(i));
    }
    previous_phone = member.phone;
    if (options.without_email_every == 0 || i % options.without_email_every != 3) {
      member.email = ascii_fold_for_email(member.first_name) + "." +
                     ascii_fold_for_email(member.last_name) + "." + std::to_string(i) +
                     "@exemple.qc.ca";
    }
    const size_t region = std::uniform_int_distribution<size_t>(0, regions.size() - 1)(random);
    const size_t sector = std::uniform_int_distribution<size_t>(0, sectors.size() - 1)(random);
    // Locals belong to a region: 300 locals over 17 regions.
    const size_t local = 1000 + region * 18 + std::uniform_int_distribution<size_t>(0, 17)(random);
    if (i % 9 == 0) member.tags = std::string(tags[0]);
    if (i % 25 == 0) member.tags += std::string(member.tags.empty() ? "" : ", ") + "delegate";
    if (i % 400 == 0) member.tags += std::string(member.tags.empty() ? "" : ", ") + "executive";
    member.language = (i % 7 == 0) ? "en" : (i % 13 == 0 ? "Français" : "fr");
    member.region = regions[region];
    member.sector = sectors[sector];
    member.local = std::to_string(local);
    member.job_title = pick(job_titles);
    roster.push_back(std::move(member));
  }
  return roster;
}

std::string make_roster_csv(const RosterOptions& options) {
  std::string csv =
      "Numéro de membre,Prénom,Nom,Cellulaire,Courriel,Langue,Région,Secteur,Syndicat local,"
      "Titre d'emploi,Étiquettes\r\n";
  csv.reserve(options.members * 150);
  for (const RosterMember& m : make_roster(options)) {
    csv += m.id + "," + m.first_name + "," + quoted(m.last_name) + "," + m.phone + "," + m.email +
           "," + m.language + "," + m.region + "," + m.sector + "," + m.local + "," +
           quoted(m.job_title) + "," + quoted(m.tags) + "\r\n";
  }
  return csv;
}

}  // namespace tocsin::testing
