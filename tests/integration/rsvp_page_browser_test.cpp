// The one-click RSVP page clicked in a real browser: Debian's chromium, headless, at phone
// size (390x844), driven by tests/browser/drive_rsvp_page.mjs with playwright-core. A
// French and an English member open the link in their SMS, choose two bus seats and a
// party of three, and tap Yes, then No, then Maybe: each click must be taken (the browser's
// own Origin and Sec-Fetch-Site, not curl's), show the confirmation in their language, and
// leave the RSVP and the tally in Redis as that answer says. At 390 px nothing may be wider
// than the screen nor any control's text cut (a pickup point's long name wraps).
// Screenshots at 390x844 and 1366x768 are kept under the build tree (test-artifacts/rsvp).

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include "tests/integration/reply_fixture.h"
#include "tests/support/browser.h"
#include "tests/support/subprocess.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::json_string;
using testing::sum_over_regions;

const fs::path kBrowserTests = fs::path(TOCSIN_SOURCE_DIR) / "tests" / "browser";
// Long enough that a <select> would cut it on a phone.
constexpr char kLongPickup[] =
    "Terminus Panama, quai 4 (stationnement incitatif, côté boulevard Taschereau)";

// One click, as the driver reported it.
struct Click {
  std::string so_far;        // the page's answer-so-far line before the click
  std::string confirmation;  // the confirmation page's text
  std::string origin;        // what the browser sent with the form
  std::string sec_fetch_site;
  std::vector<std::string> screenshots;
};

// The value of `line`'s "KEY " prefix, or "".
std::string after(const std::string& out, const std::string& key) {
  std::smatch match;
  if (!std::regex_search(out, match, std::regex("(^|\n)" + key + " ([^\n]*)"))) return "";
  return match[2];
}

class RsvpPageBrowser : public testing::ReplyFixture {
 protected:
  RsvpPageBrowser() { montreal_pickup_name_ = kLongPickup; }

  void SetUp() override {
    node_ = testing::find_program("node");
    if (!node_ || ::access(testing::kChromium, X_OK) != 0) {
      GTEST_SKIP() << "the browser test needs node and " << testing::kChromium
                   << " (daemon/install-deps.sh --tests installs them)";
    }
    ASSERT_TRUE(fs::exists(kBrowserTests / "node_modules" / "playwright-core" / "package.json"))
        << "playwright-core is not installed: run `npm ci` in tests/browser (tests/run.sh does)";
    ReplyFixture::SetUp();
  }

  // Opens the member's link in chromium and taps `answer` after choosing 2 bus seats and a
  // party of 3; `screenshots` keeps the pages.
  Click click(const std::string& member_id, const std::string& answer, const std::string& pickup,
              bool screenshots) {
    const fs::path artifacts = fs::path(TOCSIN_TEST_ARTIFACTS_DIR) / "rsvp";
    fs::create_directories(artifacts);
    const std::string settings = "{\"chromium\":" + json_string(testing::kChromium) +
                                 ",\"link\":" + json_string(link_of(member_id)) +
                                 ",\"language\":" + json_string(member(member_id).language) +
                                 ",\"answer\":" + json_string(answer) +
                                 ",\"bus_seats\":2,\"party\":3" +
                                 ",\"pickup\":" + json_string(pickup) +
                                 ",\"artifacts_dir\":" + json_string(artifacts.string()) +
                                 ",\"screenshots\":" + (screenshots ? "true" : "false") + "}";
    testing::Subprocess browser(
        {.argv = {node_->string(), (kBrowserTests / "drive_rsvp_page.mjs").string(), settings},
         .cwd = kBrowserTests});
    const auto exit_code = browser.wait_for_exit(60s);
    const std::string out = browser.stdout_text();
    EXPECT_EQ(exit_code, std::optional<int>(0)) << "stdout:\n"
                                                << out << "\nstderr:\n"
                                                << browser.stderr_text();
    EXPECT_NE(out.find("\nPASS"), std::string::npos) << out;
    Click click;
    click.so_far = after(out, "SO_FAR");
    click.confirmation = after(out, "CONFIRMATION");
    const std::string posted = after(out, "POSTED");
    std::smatch match;
    if (std::regex_search(posted, match, std::regex(R"re("origin":"([^"]*)")re"))) {
      click.origin = match[1];
    }
    if (std::regex_search(posted, match, std::regex(R"re("sec_fetch_site":"([^"]*)")re"))) {
      click.sec_fetch_site = match[1];
    }
    const std::regex shot("SCREENSHOT ([^\n]+)");
    for (std::sregex_iterator it(out.begin(), out.end(), shot), end; it != end; ++it) {
      click.screenshots.push_back((*it)[1]);
    }
    return click;
  }

  // The browser's own headers: our origin, and same-origin where it sends Fetch Metadata.
  void expect_sent_by_our_page(const Click& click) {
    EXPECT_EQ(click.origin, daemon_->base_url());
    EXPECT_EQ(click.sec_fetch_site, "same-origin");
  }

  // The member's RSVP in Redis is `answer`, with the bus seats and party only for a yes,
  // and the tally moved to it and equals a recount.
  void expect_recorded(const std::string& member_id, const std::string& answer,
                       const std::string& pickup) {
    const auto record = rsvp_of(member_id);
    ASSERT_TRUE(record) << member_id << " has no RSVP";
    EXPECT_EQ(record->answer, answer);
    EXPECT_EQ(record->source, "web");
    const bool yes = answer == "yes";
    EXPECT_EQ(record->bus_seats, yes ? 2 : 0);
    if (yes) {
      EXPECT_EQ(record->party, 3);
      EXPECT_EQ(record->pickup, pickup);
    }
    const auto counts = tally();
    for (const char* each : {"yes", "no", "maybe"}) {
      EXPECT_EQ(sum_over_regions(counts, std::string("all|") + each), answer == each ? 1 : 0)
          << each;
    }
    EXPECT_EQ(sum_over_regions(counts, "all|coming"), yes ? 3 : 0);
    EXPECT_EQ(sum_over_regions(counts, "pickup:" + pickup + "|bus"), yes ? 2 : 0);
    EXPECT_EQ(counts, recount());
  }

  void expect_screenshots(const Click& click, const std::string& language) {
    for (const char* size : {"390x844", "1366x768", "390x844-yes-done"}) {
      const fs::path path =
          fs::path(TOCSIN_TEST_ARTIFACTS_DIR) / "rsvp" / ("rsvp-" + language + "-" + size + ".png");
      EXPECT_NE(std::find(click.screenshots.begin(), click.screenshots.end(), path.string()),
                click.screenshots.end())
          << path << " not taken";
      std::ifstream in(path, std::ios::binary);
      char magic[4] = {};
      in.read(magic, 4);
      EXPECT_EQ(std::string(magic, 4), "\x89PNG") << path;
      std::cout << "screenshot: " << path.string() << "\n";
    }
  }

  // One tap of the member's page per step, in order; the first keeps the screenshots.
  struct Step {
    std::string answer;
    std::string so_far;        // the page's line before the tap
    std::string confirmation;  // the page's words after it
  };
  void answer_each_way(const std::string& member_id, const std::string& pickup,
                       const std::vector<Step>& steps) {
    for (size_t i = 0; i < steps.size(); ++i) {
      const Step& step = steps[i];
      SCOPED_TRACE(member_id + " taps " + step.answer);
      const Click tapped = click(member_id, step.answer, pickup, /*screenshots=*/i == 0);
      EXPECT_EQ(tapped.so_far, step.so_far);
      expect_sent_by_our_page(tapped);
      // A yes to an event carries the member's check-in code (checkin/), drawn at random.
      std::string expected = step.confirmation;
      if (step.answer == "yes") {
        const std::string code =
            redis_sync_->text({"HGET", "alert:{" + id_ + "}:checkin_code_of", member_id});
        EXPECT_EQ(code.size(), 6u);
        expected += (member(member_id).language == "en" ? " Check-in code: " : " Code d'accueil : ") +
                    code + ".";
      }
      EXPECT_EQ(tapped.confirmation, expected);
      expect_recorded(member_id, step.answer, pickup);
      if (i == 0) expect_screenshots(tapped, member(member_id).language);
    }
  }

  std::optional<fs::path> node_;
};

TEST_F(RsvpPageBrowser, AFrenchMemberAnswersEachWayByTappingOnAPhone) {
  const std::string pickup = std::string(kLongPickup) + ", 5 h 30";
  answer_each_way(
      "M1", "MON",
      {{"yes", "Tu n'as pas encore répondu.",
        "Merci! Présence confirmée pour 3 personnes. Autobus (2 places): départ " + pickup +
            ". Pour changer: NON " + code_ + "."},
       {"no", "Ta réponse actuelle : Oui — 3 personnes, autobus: 2 places (" + pickup + ")",
        "Merci, c'est noté: absent. Si ça change, réponds OUI " + code_ + "."},
       {"maybe", "Ta réponse actuelle : Non",
        "Merci, c'est noté: peut-être. Réponds OUI " + code_ + " ou NON " + code_ +
            " dès que tu sais."}});
}

TEST_F(RsvpPageBrowser, AnEnglishMemberAnswersEachWayByTappingOnAPhone) {
  answer_each_way(
      "M2", "EST",
      {{"yes", "You have not answered yet.",
        std::string("Thanks! You're confirmed for 3 people. Bus (2 seats): leaves from ") +
            "Cégep de Sherbrooke. To change: NO " + code_ + "."},
       {"no", "Your answer so far: Yes — 3 people, bus: 2 seats (Cégep de Sherbrooke)",
        "Thanks, noted: not coming. If that changes, reply YES " + code_ + "."},
       {"maybe", "Your answer so far: No",
        "Thanks, noted: maybe. Reply YES " + code_ + " or NO " + code_ + " once you know."}});
}

}  // namespace
}  // namespace tocsin
