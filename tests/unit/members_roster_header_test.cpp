#include "members/roster_header.h"

#include <gtest/gtest.h>

namespace tocsin::members {
namespace {

using C = Column;
using Columns = std::vector<std::optional<Column>>;

TEST(MembersRosterHeader, FrenchHeaders) {
  const HeaderMap map =
      map_header({"Numéro de membre", "Prénom", "Nom", "Cellulaire", "Courriel", "Langue", "Région",
                  "Secteur", "Syndicat local", "Titre d'emploi", "Étiquettes"});
  EXPECT_EQ(map.by_index,
            (Columns{C::member_id, C::first_name, C::last_name, C::mobile, C::email, C::language,
                     C::region, C::sector, C::local, C::job_title, C::tags}));
  EXPECT_TRUE(map.ignored.empty());
  EXPECT_TRUE(map.duplicates.empty());
}

TEST(MembersRosterHeader, EnglishHeaders) {
  const HeaderMap map = map_header({"Member ID", "First Name", "Last Name", "Mobile", "Email",
                                    "Language", "Region", "Sector", "Local", "Job title", "Tags"});
  EXPECT_EQ(map.by_index,
            (Columns{C::member_id, C::first_name, C::last_name, C::mobile, C::email, C::language,
                     C::region, C::sector, C::local, C::job_title, C::tags}));
}

TEST(MembersRosterHeader, CaseAccentsAndPunctuationDoNotMatter) {
  EXPECT_EQ(match_header("Numero de membre"), C::member_id);
  EXPECT_EQ(match_header("NUMÉRO DE MEMBRE"), C::member_id);
  EXPECT_EQ(match_header("  No. de membre "), C::member_id);
  EXPECT_EQ(match_header("N° de membre"), C::member_id);
  EXPECT_EQ(match_header("Member #"), C::member_id);
  EXPECT_EQ(match_header("member_id"), C::member_id);
  EXPECT_EQ(match_header("MEMBER-NUMBER"), C::member_id);
  EXPECT_EQ(match_header("prenom"), C::first_name);
  EXPECT_EQ(match_header("PRÉNOM"), C::first_name);
  EXPECT_EQ(match_header("Tél."), C::mobile);
  EXPECT_EQ(match_header("Téléphone"), C::mobile);
  EXPECT_EQ(match_header("E-mail"), C::email);
  EXPECT_EQ(match_header("e_mail"), C::email);
  EXPECT_EQ(match_header("Titre d’emploi"), C::job_title);
  EXPECT_EQ(match_header("TITRE D'EMPLOI"), C::job_title);
  EXPECT_EQ(match_header("Étiquette(s)"), C::tags);
  EXPECT_EQ(match_header("Tag(s)"), C::tags);
  EXPECT_EQ(match_header("Région administrative"), C::region);
  EXPECT_EQ(match_header("Section locale"), C::local);
}

TEST(MembersRosterHeader, BomLeftOnFirstHeaderIsIgnored) {
  EXPECT_EQ(match_header("\xEF\xBB\xBFNuméro de membre"), C::member_id);
}

TEST(MembersRosterHeader, UnknownHeadersAreIgnoredAsWritten) {
  const HeaderMap map = map_header({"Matricule", "Date de naissance", "Prénom", "", "NAS"});
  EXPECT_EQ(map.by_index,
            (Columns{C::member_id, std::nullopt, C::first_name, std::nullopt, std::nullopt}));
  EXPECT_EQ(map.ignored, (std::vector<std::string>{"Date de naissance", "", "NAS"}));
  EXPECT_TRUE(map.has(C::member_id));
  EXPECT_FALSE(map.has(C::mobile));
}

TEST(MembersRosterHeader, DuplicatesAreReportedAndFirstWins) {
  const HeaderMap map = map_header({"Cellulaire", "Nom", "Téléphone", "Last name"});
  EXPECT_EQ(map.by_index, (Columns{C::mobile, C::last_name, std::nullopt, std::nullopt}));
  EXPECT_EQ(map.duplicates, (std::vector<std::string>{"Téléphone", "Last name"}));
  EXPECT_TRUE(map.ignored.empty());
}

TEST(MembersRosterHeader, EveryRequiredSynonymMatches) {
  const std::vector<std::pair<Column, std::vector<std::string>>> table = {
      {C::member_id,
       {"numero de membre", "no de membre", "no membre", "numero membre", "matricule", "member id",
        "member number", "member no", "id"}},
      {C::first_name, {"prenom", "first name", "firstname", "given name"}},
      {C::last_name, {"nom", "nom de famille", "last name", "lastname", "surname", "family name"}},
      {C::mobile,
       {"cellulaire", "cell", "mobile", "telephone", "tel", "telephone cellulaire", "phone",
        "mobile phone", "cell phone"}},
      {C::email,
       {"courriel", "email", "e-mail", "adresse courriel", "email address", "courriel personnel"}},
      {C::language, {"langue", "language", "langue de correspondance"}},
      {C::region, {"region", "region administrative"}},
      {C::sector, {"secteur", "sector"}},
      {C::local, {"syndicat local", "local", "section locale", "local union"}},
      {C::job_title, {"titre d'emploi", "titre demploi", "job title", "title", "fonction"}},
      {C::tags, {"etiquettes", "etiquette", "tags", "tag", "labels"}},
  };
  for (const auto& [column, names] : table) {
    for (const auto& name : names) EXPECT_EQ(match_header(name), column) << name;
  }
}

TEST(MembersRosterHeader, ColumnNames) {
  EXPECT_EQ(column_name(C::member_id), "member_id");
  EXPECT_EQ(column_name(C::mobile), "mobile");
  EXPECT_EQ(column_name(C::job_title), "job_title");
  EXPECT_EQ(column_name(C::tags), "tags");
}

}  // namespace
}  // namespace tocsin::members
