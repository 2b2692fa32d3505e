#include "replies/rsvp_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "replies/rsvp_notice_page.h"

namespace tocsin::replies {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

RsvpPageFacts facts(const std::string& language) {
  RsvpPageFacts f;
  f.language = language;
  f.first_name = "Zoé";
  f.title = "Assemblée d'urgence";
  f.place = "Parc Jarry";
  f.when = "dimanche 6 juin, 7 h 00";
  f.action = "/r/A7.k3J9xQ2mPa";
  f.form_token = "f0rmT0ken-";
  f.pickups = {{"MTL", "Terminus Montréal, 5 h 30"}, {"LON", "Longueuil"}};
  f.selected_pickup = "LON";
  f.car_seats = true;
  return f;
}

TEST(RsvpPage, GreetsTheMemberInFrenchWithTheAlertAndAFormOfThreeButtons) {
  const std::string page = rsvp_form_page(facts("fr"));
  EXPECT_THAT(page, HasSubstr("<html lang=\"fr\">"));
  EXPECT_THAT(page, HasSubstr("<meta name=\"viewport\""));
  EXPECT_THAT(page, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(page, HasSubstr("Bonjour Zoé,"));
  EXPECT_THAT(page, HasSubstr("Assemblée d&#39;urgence"));
  EXPECT_THAT(page, HasSubstr("Parc Jarry"));
  EXPECT_THAT(page, HasSubstr("dimanche 6 juin, 7 h 00"));
  EXPECT_THAT(page, HasSubstr("Tu n&#39;as pas encore répondu."));
  EXPECT_THAT(page, HasSubstr("<form method=\"post\" action=\"/r/A7.k3J9xQ2mPa\""));
  EXPECT_THAT(page, HasSubstr("name=\"answer\" value=\"yes\""));
  EXPECT_THAT(page, HasSubstr("name=\"answer\" value=\"no\""));
  EXPECT_THAT(page, HasSubstr("name=\"answer\" value=\"maybe\""));
  EXPECT_THAT(page, HasSubstr("Oui, je serai là"));
  EXPECT_THAT(page, HasSubstr("name=\"busSeats\""));
  EXPECT_THAT(page, HasSubstr("name=\"carSeats\""));
  EXPECT_THAT(page, HasSubstr("name=\"party\""));
  // Their pickup point is the one checked, among radio buttons whose text can wrap.
  EXPECT_THAT(page, HasSubstr("<label class=\"choice\"><input type=\"radio\" name=\"pickup\" "
                              "value=\"LON\" checked> Longueuil</label>"));
  EXPECT_THAT(page, HasSubstr("<label class=\"choice\"><input type=\"radio\" name=\"pickup\" "
                              "value=\"MTL\"> Terminus Montréal, 5 h 30</label>"));
  EXPECT_THAT(page, Not(HasSubstr("<select id=\"pickup\"")));
  // The form carries its page's token back.
  EXPECT_THAT(page, HasSubstr("<input type=\"hidden\" name=\"formToken\" value=\"f0rmT0ken-\">"));
}

TEST(RsvpPage, IsSelfContained) {
  const std::string page = rsvp_form_page(facts("fr"));
  EXPECT_THAT(page, Not(HasSubstr("<script")));
  EXPECT_THAT(page, Not(HasSubstr("<link")));
  EXPECT_THAT(page, Not(HasSubstr("http://")));
  EXPECT_THAT(page, Not(HasSubstr("https://")));
  EXPECT_THAT(page, Not(HasSubstr("src=")));
}

TEST(RsvpPage, SpeaksEnglishToAnEnglishMember) {
  const std::string page = rsvp_form_page(facts("en"));
  EXPECT_THAT(page, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(page, HasSubstr("Hello Zoé,"));
  EXPECT_THAT(page, HasSubstr("Yes, I&#39;ll be there"));
  EXPECT_THAT(page, HasSubstr("You have not answered yet."));
  EXPECT_THAT(page, Not(HasSubstr("Bonjour")));
}

TEST(RsvpPage, EscapesEveryValue) {
  RsvpPageFacts f = facts("fr");
  f.first_name = "<script>alert(1)</script>";
  f.title = "\"><img src=x onerror=alert(1)>";
  f.place = "A & B";
  f.pickups = {{"P\"1", "<b>Gare</b>"}};
  f.selected_pickup = "P\"1";
  f.problem = "<i>non</i>";
  const std::string page = rsvp_form_page(f);
  EXPECT_THAT(page, Not(HasSubstr("<script>")));
  EXPECT_THAT(page, Not(HasSubstr("<img")));
  EXPECT_THAT(page, Not(HasSubstr("<b>")));
  EXPECT_THAT(page, Not(HasSubstr("<i>")));
  EXPECT_THAT(page, HasSubstr("Bonjour &lt;script&gt;alert(1)&lt;/script&gt;,"));
  EXPECT_THAT(page, HasSubstr("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(page, HasSubstr("A &amp; B"));
  EXPECT_THAT(page, HasSubstr("value=\"P&quot;1\" checked> &lt;b&gt;Gare&lt;/b&gt;"));
}

TEST(RsvpPage, ShowsTheAnswerSoFarAndPreselectsItsChoices) {
  RsvpPageFacts f = facts("fr");
  RsvpRecord current;
  current.answer = "yes";
  current.bus_seats = 2;
  current.car_seats = 0;
  current.party = 3;
  current.pickup = "MTL";
  f.current = current;
  f.selected_pickup = "MTL";
  const std::string page = rsvp_form_page(f);
  EXPECT_THAT(page, HasSubstr("Ta réponse actuelle : Oui — 3 personnes, autobus: 2 places "
                              "(Terminus Montréal, 5 h 30)"));
  EXPECT_THAT(page, HasSubstr("<option value=\"2\" selected>2 places</option>"));
  EXPECT_THAT(page, HasSubstr("<option value=\"3\" selected>3 personnes</option>"));
}

TEST(RsvpPage, OffersNoBusWithoutPickupPointsAndNoCarWhenNotAsked) {
  RsvpPageFacts f = facts("fr");
  f.pickups.clear();
  f.car_seats = false;
  const std::string page = rsvp_form_page(f);
  EXPECT_THAT(page, Not(HasSubstr("busSeats")));
  EXPECT_THAT(page, Not(HasSubstr("carSeats")));
  EXPECT_THAT(page, HasSubstr("name=\"party\""));
}

TEST(RsvpPage, DescribesAnswersInBothLanguages) {
  RsvpRecord no;
  no.answer = "no";
  EXPECT_EQ(describe_rsvp(no, "fr", ""), "Non");
  EXPECT_EQ(describe_rsvp(no, "en", ""), "No");
  RsvpRecord yes;
  yes.answer = "yes";
  yes.car_seats = 1;
  EXPECT_EQ(describe_rsvp(yes, "en", ""), "Yes — 1 seat offered in my car");
  EXPECT_EQ(describe_rsvp(yes, "fr", ""), "Oui — 1 place offerte en auto");
}

TEST(RsvpNoticePage, RefusalsAreBilingualHtmlWithoutDetails) {
  for (auto refusal : {RsvpRefusal::invalid, RsvpRefusal::closed, RsvpRefusal::foreign_origin,
                       RsvpRefusal::unavailable, RsvpRefusal::failed}) {
    const std::string page = rsvp_refusal_page(refusal);
    EXPECT_THAT(page, HasSubstr("<!DOCTYPE html>"));
    EXPECT_THAT(page, HasSubstr("<meta name=\"viewport\""));
    EXPECT_THAT(page, HasSubstr("<div lang=\"fr\">"));
    EXPECT_THAT(page, HasSubstr("<div lang=\"en\">"));
    EXPECT_THAT(page, Not(HasSubstr("\"error\"")));
  }
  EXPECT_THAT(rsvp_refusal_page(RsvpRefusal::invalid), HasSubstr("Lien non valide"));
  EXPECT_THAT(rsvp_refusal_page(RsvpRefusal::invalid), HasSubstr("Invalid link"));
  EXPECT_THAT(rsvp_refusal_page(RsvpRefusal::closed), HasSubstr("Réponses fermées"));
  EXPECT_THAT(rsvp_refusal_page(RsvpRefusal::closed), HasSubstr("Answers closed"));
}

TEST(RsvpNoticePage, TheConfirmationIsEscapedAndLinksBack) {
  const std::string page = rsvp_done_page("en", "Thanks! <b>", "/r/A7.k3J9xQ2mPa");
  EXPECT_THAT(page, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(page, HasSubstr("Answer recorded"));
  EXPECT_THAT(page, HasSubstr("Thanks! &lt;b&gt;"));
  EXPECT_THAT(page, HasSubstr("<a href=\"/r/A7.k3J9xQ2mPa\">Change my answer</a>"));
  EXPECT_THAT(rsvp_done_page("fr", "Merci!", "/r/x"), HasSubstr("Modifier ma réponse"));
}

TEST(RsvpNoticePage, ARefusedValueIsNamedWithItsBounds) {
  EXPECT_EQ(describe_problem({"busSeats", ""}, "fr"), "Places dans l'autobus : de 0 à 10.");
  EXPECT_EQ(describe_problem({"carSeats", ""}, "en"), "Seats I offer in my car: 0 to 8.");
  EXPECT_EQ(describe_problem({"party", ""}, "en"), "People coming: 0 to 20.");
  EXPECT_EQ(describe_problem({"answer", ""}, "fr"), "Choisis Oui, Non ou Peut-être.");
}

}  // namespace
}  // namespace tocsin::replies
