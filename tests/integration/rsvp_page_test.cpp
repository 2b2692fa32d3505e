// The one-click RSVP page (issue 6, point 6) through a real tocsind: the link in each
// member's SMS opens a page in their language that greets them by name (escaped), posting
// it records the same RSVP an SMS would and moves the tally by the difference; a tampered,
// unknown, closed, cancelled or expired link, or a form from another site (or one that does
// not tell where it comes from and lacks its page's form token), gets a clear HTML page and
// changes nothing. tests/integration/rsvp_page_browser_test.cpp clicks the page in Chromium.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerts/rsvp_link.h"
#include "tests/integration/reply_fixture.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using ::testing::HasSubstr;
using testing::http_get;
using testing::http_request;
using ::testing::Not;
using testing::sum_over_regions;

class RsvpPage : public testing::ReplyFixture {
 protected:
  // A clear refusal: an HTML page in both languages, not JSON.
  void expect_refusal_page(const testing::HttpResponse& response, long status,
                           const std::string& french, const std::string& english) {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
    EXPECT_THAT(response.body, HasSubstr("<!DOCTYPE html>"));
    EXPECT_THAT(response.body, HasSubstr(french));
    EXPECT_THAT(response.body, HasSubstr(english));
    EXPECT_THAT(response.body, Not(HasSubstr("{\"error\"")));
  }

  int64_t rsvps() { return count("alert:{" + id_ + "}:rsvp"); }
};

TEST_F(RsvpPage, TheLinkInTheSmsOpensAPageInTheMembersLanguageWithTheirNameEscaped) {
  const std::string zoe_link = link_of("M1");
  ASSERT_FALSE(zoe_link.empty());
  auto french = http_get(zoe_link);
  ASSERT_EQ(french.status, 200) << french.body;
  EXPECT_EQ(french.content_type, "text/html; charset=utf-8");
  EXPECT_THAT(french.body, HasSubstr("<html lang=\"fr\">"));
  EXPECT_THAT(french.body, HasSubstr("<meta name=\"viewport\""));
  EXPECT_THAT(french.body, HasSubstr("Bonjour Zoé &quot;&lt;b&gt;&quot; &amp; O&#39;Neil,"));
  EXPECT_THAT(french.body, Not(HasSubstr("<b>")));
  EXPECT_THAT(french.body, HasSubstr("Assemblée &lt;urgente&gt; &amp; &quot;spéciale&quot;"));
  EXPECT_THAT(french.body, HasSubstr("Parc Jarry"));
  EXPECT_THAT(french.body, HasSubstr("jeudi 6 juin, 7 h 00"));
  // Her region's pickup point is the one chosen, with its departure time.
  EXPECT_THAT(french.body, HasSubstr("value=\"MON\" checked> Terminus Longueuil, 5 h 30</label>"));
  EXPECT_THAT(french.body, HasSubstr("Tu n&#39;as pas encore répondu."));
  EXPECT_THAT(french.body, Not(HasSubstr("<script")));

  auto english = http_get(link_of("M2"));
  ASSERT_EQ(english.status, 200) << english.body;
  EXPECT_THAT(english.body, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(english.body, HasSubstr("Hello Alex,"));
  EXPECT_THAT(english.body, HasSubstr("Thursday, June 6, 7:00 a.m."));
  EXPECT_THAT(english.body, HasSubstr("value=\"EST\" checked> Cégep de Sherbrooke</label>"));
  EXPECT_THAT(english.body, HasSubstr("Yes, I&#39;ll be there"));
  EXPECT_THAT(english.body, Not(HasSubstr("Bonjour")));
  EXPECT_EQ(rsvps(), 0);  // looking records nothing
}

TEST_F(RsvpPage, AnsweringOnThePageRecordsItAndTheTallyMovesByTheDifference) {
  const std::string link = link_of("M1");
  auto yes = post_form(link, "busSeats=2&pickup=MON&carSeats=0&party=3&answer=yes");
  ASSERT_EQ(yes.status, 200) << yes.body;
  EXPECT_THAT(yes.body, HasSubstr("Réponse enregistrée"));
  EXPECT_THAT(yes.body, HasSubstr("Merci! Présence confirmée pour 3 personnes. Autobus (2 places): "
                                  "départ Terminus Longueuil, 5 h 30."));
  auto record = rsvp_of("M1");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->answer, "yes");
  EXPECT_EQ(record->bus_seats, 2);
  EXPECT_EQ(record->party, 3);
  EXPECT_EQ(record->pickup, "MON");
  EXPECT_EQ(record->region, "monteregie");
  EXPECT_EQ(record->source, "web");
  auto counts = tally();
  EXPECT_EQ(sum_over_regions(counts, "all|yes"), 1);
  EXPECT_EQ(sum_over_regions(counts, "all|coming"), 3);
  EXPECT_EQ(sum_over_regions(counts, "pickup:MON|bus"), 2);
  EXPECT_EQ(counts, recount());

  // The page now shows her answer.
  EXPECT_THAT(http_get(link).body,
              HasSubstr("Ta réponse actuelle : Oui — 3 personnes, autobus: 2 places "
                        "(Terminus Longueuil, 5 h 30)"));

  // A change takes the old answer away.
  auto no = post_form(link, "answer=no&busSeats=2");
  ASSERT_EQ(no.status, 200) << no.body;
  EXPECT_THAT(no.body, HasSubstr("Merci, c&#39;est noté: absent."));
  counts = tally();
  EXPECT_EQ(sum_over_regions(counts, "all|yes"), 0);
  EXPECT_EQ(sum_over_regions(counts, "pickup:MON|bus"), 0);
  EXPECT_EQ(sum_over_regions(counts, "all|no"), 1);
  EXPECT_EQ(counts, recount());

  // An answer by SMS and a change on the page are the same RSVP.
  sms_reply("M2", "yes bus");
  ASSERT_TRUE(eventually([&] { return rsvp_of("M2").has_value(); }, 10s));
  EXPECT_EQ(rsvp_of("M2")->source, "sms");
  EXPECT_EQ(sum_over_regions(tally(), "pickup:EST|bus"), 1);
  auto english = post_form(link_of("M2"), "answer=yes&busSeats=0&carSeats=4&party=1&pickup=EST");
  ASSERT_EQ(english.status, 200) << english.body;
  EXPECT_THAT(english.body, HasSubstr("Thanks! You&#39;re confirmed. Thanks for offering 4 seats"));
  EXPECT_EQ(rsvp_of("M2")->source, "web");
  counts = tally();
  EXPECT_EQ(sum_over_regions(counts, "pickup:EST|bus"), 0);
  EXPECT_EQ(sum_over_regions(counts, "all|car"), 4);
  EXPECT_EQ(counts["estrie|all|yes"], 1);
  EXPECT_EQ(counts, recount());
}

TEST_F(RsvpPage, AValueOutOfBoundsGetsThePageAgainNamingItAndRecordsNothing) {
  const std::string link = link_of("M1");
  auto bus = post_form(link, "answer=yes&busSeats=11");
  EXPECT_EQ(bus.status, 400);
  EXPECT_EQ(bus.content_type, "text/html; charset=utf-8");
  EXPECT_THAT(bus.body, HasSubstr("Places dans l&#39;autobus : de 0 à 10."));
  EXPECT_THAT(bus.body, HasSubstr("<form method=\"post\""));
  auto car = post_form(link_of("M2"), "answer=yes&carSeats=9");
  EXPECT_EQ(car.status, 400);
  EXPECT_THAT(car.body, HasSubstr("Seats I offer in my car: 0 to 8."));
  auto party = post_form(link, "answer=yes&party=21");
  EXPECT_EQ(party.status, 400);
  auto pickup = post_form(link, "answer=yes&busSeats=1&pickup=NOPE");
  EXPECT_EQ(pickup.status, 400);
  auto answer = post_form(link, "answer=sure");
  EXPECT_EQ(answer.status, 400);
  EXPECT_THAT(answer.body, HasSubstr("Choisis Oui, Non ou Peut-être."));
  EXPECT_EQ(rsvps(), 0);
  EXPECT_TRUE(tally().empty());
}

TEST_F(RsvpPage, ATamperedUnknownOrMangledLinkGetsAClearPageAndChangesNothing) {
  const std::string link = link_of("M1");
  std::string tampered = link;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  const std::string tag = link.substr(link.rfind('.') + 1);
  // A tag that is right, for another member: tags are bound to their member.
  const std::string other_member =
      daemon_->base_url() + "/r/" + code_ + "." +
      alerts::rsvp_tag(redis_sync_->text({"GET", "secret:rsvp"}), id_, "M999");
  for (const std::string& url :
       {tampered, daemon_->base_url() + "/r/A99999." + tag, daemon_->base_url() + "/r/garbage",
        daemon_->base_url() + "/r/" + code_ + ".%3Cscript%3E", other_member}) {
    SCOPED_TRACE(url);
    expect_refusal_page(http_get(url), 403, "Lien non valide", "Invalid link");
    expect_refusal_page(post_form(url, "answer=yes"), 403, "Lien non valide", "Invalid link");
  }
  EXPECT_EQ(rsvps(), 0);
  EXPECT_EQ(http_get(link).status, 200);  // the real one still works
}

TEST_F(RsvpPage, AnotherSitesOriginIsRefused) {
  const std::string link = link_of("M1");
  // Even with the page's form token: another site's page could have read it.
  const std::string form = "answer=yes&formToken=" + form_token_of(link);
  const std::vector<std::vector<std::string>> foreign = {
      {"Origin: https://evil.example"},
      {"Origin: https://evil.example", "Sec-Fetch-Site: cross-site"},
      // A sandboxed frame of another site posts with Origin null; the browser says cross-site.
      {"Origin: null", "Sec-Fetch-Site: cross-site"},
      {"Origin: null", "Sec-Fetch-Site: same-site"},
      {"Origin: " + daemon_->base_url() + ".evil.example"},
  };
  for (const auto& headers : foreign) {
    SCOPED_TRACE(headers.front());
    expect_refusal_page(post_form(link, form, headers), 403, "Réponse refusée", "Answer refused");
  }
  EXPECT_EQ(rsvps(), 0);
  auto ours = post_form(link, "answer=maybe", {"Origin: " + daemon_->base_url()});
  EXPECT_EQ(ours.status, 200) << ours.body;
  EXPECT_EQ(rsvp_of("M1")->answer, "maybe");
  // What Chromium sends for our page's form when the page says Referrer-Policy: no-referrer.
  auto chromium = post_form(link, "answer=no", {"Origin: null", "Sec-Fetch-Site: same-origin"});
  EXPECT_EQ(chromium.status, 200) << chromium.body;
  EXPECT_EQ(rsvp_of("M1")->answer, "no");
}

TEST_F(RsvpPage, AFormThatDoesNotTellWhereItComesFromNeedsItsPagesToken) {
  const std::string link = link_of("M1");
  const std::string token = form_token_of(link);
  ASSERT_EQ(token.size(), 10u);
  // An old browser (no Sec-Fetch-Site) with Origin null or none, or not a browser at all.
  for (const std::string& origin :
       {std::string("Origin: null"), std::string("X-Origin-Sent: none")}) {
    SCOPED_TRACE(origin);
    expect_refusal_page(post_form(link, "answer=yes", {origin}), 403, "Réponse refusée",
                        "Answer refused");
    // Another member's page's token is not this page's.
    expect_refusal_page(
        post_form(link, "answer=yes&formToken=" + form_token_of(link_of("M3")), {origin}), 403,
        "Réponse refusée", "Answer refused");
  }
  EXPECT_EQ(rsvps(), 0);
  auto answered = post_form(link, "answer=yes&formToken=" + token, {"Origin: null"});
  EXPECT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(rsvp_of("M1")->answer, "yes");
  // A reload re-posting the answer is the user's own navigation: the token decides.
  auto reloaded = post_form(link, "answer=maybe&formToken=" + token, {"Sec-Fetch-Site: none"});
  EXPECT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_EQ(rsvp_of("M1")->answer, "maybe");
}

TEST_F(RsvpPage, AClosedOrCancelledAlertsLinkGetsAClearPage) {
  // A second alert, stuck sending (every message gets 500 and waits for a retry), then
  // cancelled: its links were made before sending.
  twilio_.set_mode(testing::TwilioServer::Mode::fail_500);
  const auto [second, second_code] = send_alert(R"("expiresAt":"2030-06-06T06:00:00-04:00")",
                                                /*wait_sent=*/false);
  ASSERT_TRUE(eventually([&] { return count("alert:{" + second + "}:links") == 6; }, 10s));
  auto cancelled = http_request("POST", daemon_->base_url() + "/v1/alerts/" + second + ":cancel",
                                "", testing::bearer(admin_));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  twilio_.set_mode(testing::TwilioServer::Mode::ok);
  const auto links = redis_sync_->command({"HGETALL", "alert:{" + second + "}:links"});
  ASSERT_GE(links.elements.size(), 2u);
  const std::string cancelled_link =
      daemon_->base_url() + "/r/" + second_code + "." + links.elements[0].str;
  expect_refusal_page(http_get(cancelled_link), 410, "Réponses fermées", "Answers closed");
  expect_refusal_page(post_form(cancelled_link, "answer=yes"), 410, "Réponses fermées",
                      "Answers closed");
  EXPECT_EQ(count("alert:{" + second + "}:rsvp"), 0);

  const std::string link = link_of("M1");
  ASSERT_EQ(http_get(link).status, 200);
  auto closed = http_request("POST", daemon_->base_url() + "/v1/alerts/" + id_ + ":close", "",
                             testing::bearer(admin_));
  ASSERT_EQ(closed.status, 200) << closed.body;
  expect_refusal_page(http_get(link), 410, "Réponses fermées", "Answers closed");
  expect_refusal_page(post_form(link, "answer=yes"), 410, "Réponses fermées", "Answers closed");
  EXPECT_EQ(rsvps(), 0);
}

TEST_F(RsvpPage, ALinkExpiresWithItsAlert) {
  const auto expires = std::chrono::system_clock::now() + 6s;
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  const std::time_t time = static_cast<std::time_t>(seconds);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&time));
  const auto [id, code] = send_alert(std::string(R"("expiresAt":")") + text + "\"");
  const std::string link = link_of("M3", code);
  ASSERT_FALSE(link.empty());
  ASSERT_EQ(http_get(link).status, 200);
  ASSERT_TRUE(eventually([&] { return http_get(link).status == 410; }, 15s));
  expect_refusal_page(http_get(link), 410, "Réponses fermées", "Answers closed");
  expect_refusal_page(post_form(link, "answer=yes"), 410, "Réponses fermées", "Answers closed");
  EXPECT_EQ(count("alert:{" + id + "}:rsvp"), 0);
}

}  // namespace
}  // namespace tocsin
