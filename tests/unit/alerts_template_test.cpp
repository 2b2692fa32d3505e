// Alert templates: each placeholder, escapes, unknown names and unmatched braces.

#include "alerts/template.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tocsin::alerts {
namespace {

TemplateValues values() {
  return {.first_name = "Marie",
          .event_time = "dimanche 6 juin, 7 h 00",
          .place = "Assemblée nationale",
          .rsvp_link = "https://tocsin.example/r/abc",
          .pickup = "Terminus Longueuil, 5 h 30",
          .code = "A7"};
}

TEST(AlertsTemplate, EveryPlaceholder) {
  EXPECT_EQ(render("{first_name}|{event_time}|{place}|{rsvp_link}|{pickup}|{code}", values()),
            "Marie|dimanche 6 juin, 7 h 00|Assemblée nationale|https://tocsin.example/r/abc|"
            "Terminus Longueuil, 5 h 30|A7");
}

TEST(AlertsTemplate, FrenchSentence) {
  EXPECT_EQ(render("{first_name}, rendez-vous {event_time} devant l'{place}. Réponds OUI "
                   "{code} ou {rsvp_link}",
                   values()),
            "Marie, rendez-vous dimanche 6 juin, 7 h 00 devant l'Assemblée nationale. Réponds "
            "OUI A7 ou https://tocsin.example/r/abc");
}

TEST(AlertsTemplate, EnglishSentence) {
  TemplateValues v = values();
  v.first_name = "Alex";
  v.event_time = "Sunday, June 6, 7:00 a.m.";
  EXPECT_EQ(render("{first_name}: {event_time}, {place}. Reply YES {code}", v),
            "Alex: Sunday, June 6, 7:00 a.m., Assemblée nationale. Reply YES A7");
}

TEST(AlertsTemplate, RepeatedPlaceholder) {
  EXPECT_EQ(render("{code} {code}", values()), "A7 A7");
}

TEST(AlertsTemplate, DoubledBracesAreLiteral) {
  EXPECT_EQ(render("{{code}} = {code}", values()), "{code} = A7");
  EXPECT_EQ(render("{{{code}}}", values()), "{A7}");
  EXPECT_EQ(render("a {{ b }} c", values()), "a { b } c");
}

TEST(AlertsTemplate, UnknownPlaceholderIsKeptAsWritten) {
  EXPECT_EQ(render("Bonjour {frist_name} !", values()), "Bonjour {frist_name} !");
  EXPECT_EQ(render("{}", values()), "{}");
}

TEST(AlertsTemplate, UnmatchedBracesAreKept) {
  EXPECT_EQ(render("a { b", values()), "a { b");
  EXPECT_EQ(render("a } b", values()), "a } b");
  EXPECT_EQ(render("{ {code}", values()), "{ A7");
  EXPECT_EQ(render("{", values()), "{");
  EXPECT_EQ(render("}", values()), "}");
}

TEST(AlertsTemplate, EmptyAndPlainText) {
  EXPECT_EQ(render("", values()), "");
  EXPECT_EQ(render("Grève générale", values()), "Grève générale");
}

TEST(AlertsTemplate, PlaceholdersInOrderWithRepeatsAndUnknowns) {
  EXPECT_EQ(placeholders("{first_name} {code} {frist_name} {code} {{place}} {}"),
            (std::vector<std::string>{"first_name", "code", "frist_name", "code", ""}));
  EXPECT_TRUE(placeholders("no braces { at all").empty());
}

TEST(AlertsTemplate, KnownPlaceholders) {
  EXPECT_EQ(known_placeholders().size(), 6u);
  for (std::string_view name : known_placeholders()) {
    EXPECT_NE(render("{" + std::string(name) + "}", values()), "{" + std::string(name) + "}");
  }
}

}  // namespace
}  // namespace tocsin::alerts
