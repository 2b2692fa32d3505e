// Tocsin's own texts to members say "tu" in French, as the union's messages do (the shipped
// examples in config/alerts/): the one-click page, its notices and refusals, and every SMS
// answer. A "vous" or a "-ez" imperative left anywhere fails here.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "replies/confirmation_text.h"
#include "replies/reply_reader.h"
#include "replies/rsvp_notice_page.h"
#include "replies/rsvp_page.h"

namespace tocsin::replies {
namespace {

namespace fs = std::filesystem;

// The words of the "vous" register: its pronouns and its imperatives/present ("Répondez").
// "rendez-vous" (a meeting) says nothing of the register.
bool says_vous(const std::string& text) {
  static const std::regex kMeeting("rendez-vous", std::regex::icase);
  static const std::regex kVous(R"(\b(vous|votre|vos|[a-z]+ez)\b)", std::regex::icase);
  return std::regex_search(std::regex_replace(text, kMeeting, ""), kVous);
}

std::vector<std::string> french_texts() {
  std::vector<std::string> texts;
  for (const char* answer : {"yes", "no", "maybe"}) {
    ConfirmationFacts facts;
    facts.kind = ConfirmationKind::rsvp;
    facts.language = "fr";
    facts.alert_code = "A7";
    facts.record.answer = answer;
    facts.record.bus_seats = 2;
    facts.record.car_seats = 1;
    facts.record.party = 3;
    texts.push_back(confirmation_text(facts));
  }
  for (auto kind : {ConfirmationKind::unknown, ConfirmationKind::opted_out,
                    ConfirmationKind::resubscribed, ConfirmationKind::help}) {
    ConfirmationFacts facts;
    facts.kind = kind;
    facts.language = "fr";
    texts.push_back(confirmation_text(facts));
  }
  RsvpPageFacts page;
  page.language = "fr";
  page.title = "Assemblée";
  page.pickups = {{"P1", "Gare"}};
  page.car_seats = true;
  texts.push_back(rsvp_form_page(page));
  page.current = RsvpRecord{};
  page.current->answer = "yes";
  texts.push_back(rsvp_form_page(page));
  texts.push_back(rsvp_done_page("fr", "Merci!", "/r/x"));
  for (auto refusal : {RsvpRefusal::invalid, RsvpRefusal::closed, RsvpRefusal::foreign_origin,
                       RsvpRefusal::unavailable, RsvpRefusal::failed}) {
    const std::string both = rsvp_refusal_page(refusal);
    texts.push_back(both.substr(0, both.find("<div lang=\"en\">")));
  }
  for (const char* field : {"busSeats", "carSeats", "party", "pickup", "answer", "body"}) {
    texts.push_back(describe_problem({field, ""}, "fr"));
  }
  return texts;
}

TEST(MemberRegister, TocsinsFrenchTextsToMembersSayTu) {
  for (const std::string& text : french_texts()) EXPECT_FALSE(says_vous(text)) << text;
  // The check itself sees the other register.
  EXPECT_TRUE(says_vous("Répondez OUI."));
  EXPECT_TRUE(says_vous("Votre réponse"));
  EXPECT_FALSE(says_vous("Réponds OUI. Ta réponse."));
  EXPECT_FALSE(says_vous("Rendez-vous au parc Jarry."));
}

TEST(MemberRegister, TheShippedExampleAlertsSayTuToo) {
  const fs::path examples = fs::path(TOCSIN_SOURCE_DIR) / "config" / "alerts";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(examples)) {
    if (entry.path().extension() != ".textpb") continue;
    ++files;
    std::ifstream in(entry.path());
    std::ostringstream text;
    text << in.rdbuf();
    EXPECT_FALSE(says_vous(text.str())) << entry.path();
    EXPECT_TRUE(std::regex_search(text.str(), std::regex(R"(\b(tu|ta|ton|Réponds|Dis)\b)")))
        << entry.path() << " addresses no one";
  }
  EXPECT_GE(files, 4);
}

}  // namespace
}  // namespace tocsin::replies
