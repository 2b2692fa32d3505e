// The dashboard (issue 7): its static files as the daemon serves them (types, security
// headers, revalidation), and the page in a real browser. The browser test sends an alert
// to a synthetic roster through the Twilio-shaped server, opens the dashboard in Debian's
// chromium (headless, driven by tests/browser/drive_dashboard.mjs with playwright-core) as
// an executive on a desktop and as a coordinator on a phone, then members answer through
// the signed webhook: the pages' numbers must move without a reload, equal the server's
// turnout, and the coordinator's page must show no other region; the executive's
// connection is then cut while more answers come, and the page must catch up once the
// network is back, resuming with Last-Event-ID. Screenshots at 390x844 and 1280x800 are kept under
// the build tree (test-artifacts/dashboard). DashboardBrowserLayout
// (tests/browser/dashboard_layout.mjs): a coordinator's phone in a browser whose clock is in UTC
// for a union in Toronto, with gateways that send no receipts: the pickup block in the first
// screen, times in the union's zone, region names, ride lists only for the alert's region;
// screenshots in test-artifacts/dashboard-layout.

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support/alert_scenario.h"
#include "tests/support/browser.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/sign_in.h"
#include "tests/support/subprocess.h"
#include "tests/support/twilio_server.h"
#include "turnout/turnout_scope.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::eventually;
using testing::find_program;
using testing::json_string;
using testing::kChromium;

constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; connect-src 'self'; style-src 'self'; script-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'";

const fs::path kDashboardSources = fs::path(TOCSIN_SOURCE_DIR) / "daemon" / "dashboard";
const fs::path kBrowserTests = fs::path(TOCSIN_SOURCE_DIR) / "tests" / "browser";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// An answer read off the socket, headers included (the test HTTP client keeps only the
// content type).
struct RawAnswer {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

RawAnswer raw_get(uint16_t port, const std::string& target, const std::string& extra_headers = "") {
  testing::RawConnection connection(port);
  connection.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                  extra_headers + "\r\n");
  bool closed = false;
  const std::string text = connection.read_until_closed(10s, &closed);
  RawAnswer answer;
  const size_t end = text.find("\r\n\r\n");
  if (end == std::string::npos) return answer;
  std::istringstream head(text.substr(0, end));
  std::string line;
  std::getline(head, line);
  if (line.size() > 12) answer.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    answer.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
  }
  answer.body = text.substr(end + 4);
  return answer;
}

class DashboardStatic : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<testing::DaemonProcess>(
        testing::DaemonProcess::Options{.redis_url = redis_.url()});
  }

  testing::RedisServer redis_;
  std::unique_ptr<testing::DaemonProcess> daemon_;
};

TEST_F(DashboardStatic, PageAndModulesAreServedWithTheirTypesAndSecurityHeaders) {
  RawAnswer page = raw_get(daemon_->port(), "/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(page.headers["content-security-policy"], kContentSecurityPolicy);
  EXPECT_EQ(page.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(page.headers["referrer-policy"], "no-referrer");
  EXPECT_EQ(page.headers["cache-control"], "no-cache");
  EXPECT_TRUE(std::regex_match(page.headers["etag"], std::regex(R"("[0-9a-f]{32}")")))
      << page.headers["etag"];
  // The policy forbids inline script and style: the page must have none.
  EXPECT_NE(page.body.find(R"(<script type="module" src="/dashboard/app.js">)"), std::string::npos);
  EXPECT_EQ(page.body.find("<style"), std::string::npos);
  EXPECT_EQ(page.body.find(" style="), std::string::npos);
  EXPECT_EQ(std::regex_search(page.body, std::regex("<script(?![^>]*\\bsrc=)")), false);

  // app.js and every module it imports, transitively, is served as JavaScript.
  std::vector<std::string> modules = {"app.js"};
  std::set<std::string> seen;
  const std::regex import_from(R"re(from "\./([a-z_]+\.js)")re");
  while (!modules.empty()) {
    const std::string name = modules.back();
    modules.pop_back();
    if (!seen.insert(name).second) continue;
    RawAnswer module = raw_get(daemon_->port(), "/dashboard/" + name);
    ASSERT_EQ(module.status, 200) << name;
    EXPECT_EQ(module.headers["content-type"], "text/javascript; charset=utf-8") << name;
    EXPECT_EQ(module.headers["content-security-policy"], kContentSecurityPolicy) << name;
    EXPECT_EQ(module.headers["x-content-type-options"], "nosniff") << name;
    for (std::sregex_iterator it(module.body.begin(), module.body.end(), import_from), end;
         it != end; ++it) {
      modules.push_back((*it)[1]);
    }
  }
  EXPECT_TRUE(seen.contains("strings.js") && seen.contains("sse.js") && seen.contains("counts.js"));
  // Every module is asked for with the page, not discovered import by import.
  for (const std::string& name : seen) {
    if (name == "app.js") continue;
    EXPECT_NE(page.body.find(R"(<link rel="modulepreload" href="/dashboard/)" + name + "\">"),
              std::string::npos)
        << name << " is not preloaded by index.html";
  }
  RawAnswer style = raw_get(daemon_->port(), "/dashboard/app.css");
  EXPECT_EQ(style.status, 200);
  EXPECT_EQ(style.headers["content-type"], "text/css; charset=utf-8");

  EXPECT_EQ(raw_get(daemon_->port(), "/dashboard/missing.js").status, 404);
  EXPECT_EQ(raw_get(daemon_->port(), "/dashboard/").status, 404);
  EXPECT_EQ(raw_get(daemon_->port(), "/dashboard/embed_assets.cmake").status, 404);
}

TEST_F(DashboardStatic, ServedFilesAreTheSourceFilesOfThisBuild) {
  for (const char* name : {"index.html", "app.js", "app.css", "strings.js", "counts.js", "sse.js",
                           "live.js", "api.js"}) {
    RawAnswer answer =
        raw_get(daemon_->port(),
                std::string(name) == "index.html" ? "/" : "/dashboard/" + std::string(name));
    ASSERT_EQ(answer.status, 200) << name;
    EXPECT_EQ(answer.body, read_file(kDashboardSources / name)) << name << " is not the source's";
  }
}

TEST_F(DashboardStatic, AnUnchangedFileIsRevalidatedWith304) {
  RawAnswer first = raw_get(daemon_->port(), "/dashboard/app.js");
  const std::string etag = first.headers["etag"];
  ASSERT_FALSE(etag.empty());
  for (const std::string& condition : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    RawAnswer again =
        raw_get(daemon_->port(), "/dashboard/app.js", "If-None-Match: " + condition + "\r\n");
    EXPECT_EQ(again.status, 304) << condition;
    EXPECT_TRUE(again.body.empty()) << condition;
    EXPECT_EQ(again.headers["etag"], etag) << condition;
    EXPECT_EQ(again.headers["cache-control"], "no-cache") << condition;
  }
  RawAnswer changed = raw_get(daemon_->port(), "/dashboard/app.js", "If-None-Match: \"0123\"\r\n");
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.body, first.body);
  // Another file has another tag: a page's tag does not revalidate its script.
  EXPECT_NE(raw_get(daemon_->port(), "/").headers["etag"], etag);
}

std::string gunzip(const std::string& bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return "inflateInit2 failed";
  std::string out;
  char buffer[16384];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  return result == Z_STREAM_END ? out : "not gzip";
}

TEST_F(DashboardStatic, FilesAreGzippedForABrowserThatTakesThem) {
  for (const char* name : {"index.html", "app.js", "app.css", "strings.js"}) {
    const std::string path =
        std::string(name) == "index.html" ? "/" : "/dashboard/" + std::string(name);
    RawAnswer plain = raw_get(daemon_->port(), path);
    RawAnswer zipped = raw_get(daemon_->port(), path, "Accept-Encoding: gzip, deflate, br\r\n");
    ASSERT_EQ(zipped.status, 200) << name;
    EXPECT_EQ(zipped.headers["content-encoding"], "gzip") << name;
    EXPECT_EQ(zipped.headers["vary"], "Accept-Encoding") << name;
    EXPECT_EQ(plain.headers["content-encoding"], "") << name;
    EXPECT_LT(zipped.body.size(), plain.body.size() / 2) << name;
    EXPECT_EQ(gunzip(zipped.body), read_file(kDashboardSources / name)) << name;
    // Each representation has its own tag, and revalidates with it.
    const std::string etag = zipped.headers["etag"];
    EXPECT_NE(etag, plain.headers["etag"]) << name;
    RawAnswer again =
        raw_get(daemon_->port(), path, "Accept-Encoding: gzip\r\nIf-None-Match: " + etag + "\r\n");
    EXPECT_EQ(again.status, 304) << name;
    EXPECT_EQ(raw_get(daemon_->port(), path, "If-None-Match: " + etag + "\r\n").status, 200)
        << name << ": the gzip tag revalidated the plain bytes";
  }
  // Refused by weight: the plain bytes.
  RawAnswer refused =
      raw_get(daemon_->port(), "/dashboard/app.js", "Accept-Encoding: gzip;q=0\r\n");
  EXPECT_EQ(refused.headers["content-encoding"], "");
  EXPECT_EQ(refused.body, read_file(kDashboardSources / "app.js"));
}

// ---- the browser test ---------------------------------------------------------------------

// The browser test's preconditions: node, Debian's chromium and playwright-core. Empty when
// they are there; else why the test is skipped.
std::string browser_missing() {
  if (!find_program("node") || ::access(kChromium, X_OK) != 0) {
    return std::string("the browser test needs node and ") + kChromium +
           " (daemon/install-deps.sh --tests installs them)";
  }
  return "";
}

// The screenshots a script named on stdout ("SCREENSHOT <path>").
std::set<std::string> screenshots_named(const std::string& out) {
  std::set<std::string> screenshots;
  const std::regex line("SCREENSHOT (.+)");
  for (std::sregex_iterator it(out.begin(), out.end(), line), end; it != end; ++it) {
    screenshots.insert((*it)[1]);
  }
  return screenshots;
}

class DashboardBrowser : public ::testing::Test {
 protected:
  static testing::TwilioServerOptions twilio_options() {
    testing::TwilioServerOptions options;
    options.send_status_callbacks = true;  // members reach "delivered"
    return options;
  }

  void reply(const std::string& number, const std::string& text) {
    auto answer = testing::post_twilio_reply(scenario_.daemon().base_url(), "tw", twilio_, number,
                                             text, "SMdash" + std::to_string(++replies_sent_));
    ASSERT_EQ(answer.status, 200) << answer.body;
  }

  testing::TwilioServer twilio_{twilio_options()};
  testing::AlertScenario scenario_{
      {.gateways = testing::twilio_gateway_config("tw", twilio_, 500)}};
  int replies_sent_ = 0;
};

TEST_F(DashboardBrowser, NumbersMoveLiveWithoutReloadAndACoordinatorSeesOnlyTheirRegion) {
  if (const std::string missing = browser_missing(); !missing.empty()) GTEST_SKIP() << missing;
  const auto node = find_program("node");
  ASSERT_TRUE(fs::exists(kBrowserTests / "node_modules" / "playwright-core" / "package.json"))
      << "playwright-core is not installed: run `npm ci` in tests/browser (tests/run.sh does)";

  testing::RosterOptions roster;
  roster.members = 120;
  const auto members = scenario_.import_roster(roster);
  // The coordinator's region: the roster's most common, so it has members to answer.
  std::map<std::string, int> per_region;
  for (const auto& member : members) ++per_region[member.region];
  std::string region;
  for (const auto& [name, count] : per_region) {
    if (region.empty() || count > per_region[region]) region = name;
  }
  // A pickup point per region; the coordinator's holds one seat, so two asked overflow it.
  std::string points;
  std::map<std::string, std::string> pickup_of_region;
  for (const auto& [name, count] : per_region) {
    const std::string id = "P" + std::to_string(pickup_of_region.size() + 1);
    pickup_of_region[name] = id;
    points += std::string(points.empty() ? "" : ",") + R"({"id":")" + id + R"(","name":"Arrêt )" +
              id + R"(","region":)" + json_string(name) + R"(,"busCapacity":)" +
              (name == region ? "1" : "50") + "}";
  }
  const auto alert = scenario_.send_and_wait(
      testing::alert_json(
          "SMS", R"({"sms":"{first_name}, assemblée. OUI {code} ou NON {code}."})", "",
          R"("carSeats":true,"pickupPoints":[)" + points + R"(],"targets":[)" +
              R"({"dimension":"region","value":)" + json_string(region) + R"(,"target":4}])"),
      60s);
  const auto accepted = static_cast<int64_t>(twilio_.accepted());
  ASSERT_TRUE(eventually([&] { return scenario_.count(alert.id, "delivered") == accepted; }, 30s))
      << scenario_.describe(alert.id);

  // Who answers: two of the coordinator's region, three elsewhere.
  std::map<std::string, const testing::RosterMember*> by_id;
  for (const auto& member : members) by_id[member.id] = &member;
  std::vector<std::pair<std::string, const testing::RosterMember*>> own, others;
  std::set<std::string> members_seen;
  for (const auto& [number, id] : scenario_.recipients(alert.id)) {
    if (!members_seen.insert(id).second) continue;  // a shared phone answers for one member
    (by_id.at(id)->region == region ? own : others).emplace_back(number, by_id.at(id));
  }
  ASSERT_GE(own.size(), 2u);
  ASSERT_GE(others.size(), 5u);
  std::vector<std::string> other_regions;
  for (const auto& [name, count] : per_region) {
    if (name != region) other_regions.push_back(json_string(name));
  }

  auto& daemon = scenario_.daemon();
  // Tokens for the script's own API calls; the pages are people, signed in by code (the
  // code's SMS goes through the Twilio-shaped server like any other).
  const std::string executive =
      daemon.create_token(scenario_.token(), R"({"name":"Exécutif","role":"executive"})");
  const std::string coordinator = daemon.create_token(
      scenario_.token(),
      R"({"name":"Coordination","role":"coordinator","regions":[)" + json_string(region) + "]}");
  const auto texts_to = [this](std::string number) {
    return [this, number] {
      std::vector<std::string> texts;
      for (const auto& message : twilio_.messages()) {
        if (message.to == number) texts.push_back(message.body);
      }
      return texts;
    };
  };
  const std::string executive_session =
      testing::session_by_code(daemon, scenario_.token(),
                               R"({"name":"Exécutif","role":"executive","mobile":"+15145550102"})",
                               "+15145550102", texts_to("+15145550102"));
  const std::string coordinator_session = testing::session_by_code(
      daemon, scenario_.token(),
      R"({"name":"Coordination","role":"coordinator","mobile":"+15145550103","regions":[)" +
          json_string(region) + "]}",
      "+15145550103", texts_to("+15145550103"));

  const fs::path artifacts = fs::path(TOCSIN_TEST_ARTIFACTS_DIR) / "dashboard";
  fs::remove_all(artifacts);
  fs::create_directories(artifacts);
  std::string joined_others;
  for (const auto& name : other_regions) joined_others += (joined_others.empty() ? "" : ",") + name;
  const std::string settings =
      "{\"url\":" + json_string(daemon.base_url()) + ",\"chromium\":" + json_string(kChromium) +
      ",\"artifacts_dir\":" + json_string(artifacts.string()) +
      ",\"alert_id\":" + json_string(alert.id) + ",\"executive_token\":" + json_string(executive) +
      ",\"coordinator_token\":" + json_string(coordinator) +
      ",\"executive_session\":" + json_string(executive_session) +
      ",\"coordinator_session\":" + json_string(coordinator_session) +
      ",\"coordinator_region\":" + json_string(region) + ",\"other_regions\":[" + joined_others +
      "]" + ",\"unclear_member\":" + json_string(others[2].second->id) + ",\"ride_rows\":2" +
      R"(,"delta_offline":{"yes":1,"no":1})" +
      R"(,"delta":{"executive":{"yes":3,"no":1,"unknown":1,"bus_seats":2,"car_seats":2},)" +
      R"("coordinator":{"yes":2,"no":0,"unknown":0,"bus_seats":2,"car_seats":2}}})";

  testing::Subprocess browser(
      {.argv = {node->string(), (kBrowserTests / "drive_dashboard.mjs").string(), settings},
       .cwd = kBrowserTests});
  auto shown = browser.wait_for_stdout_line(std::regex("^(INITIAL_SHOWN|FAIL)"), 90s);
  ASSERT_TRUE(shown && shown->starts_with("INITIAL_SHOWN"))
      << "the pages did not show the initial numbers\nstdout:\n"
      << browser.stdout_text() << "\nstderr:\n"
      << browser.stderr_text();

  // Members answer by SMS while both pages stay open.
  reply(own[0].first, "OUI BUS 2");   // 2 bus seats at a pickup point holding 1
  reply(own[1].first, "oui auto 2");  // offers 2 car seats
  reply(others[0].first, "oui");
  reply(others[1].first, "non");
  reply(others[2].first, "c'est où?");  // unclear: waits in the inbox

  // The executive's page lost its connection; two more members answer meanwhile.
  auto offline = browser.wait_for_stdout_line(std::regex("^(OFFLINE|FAIL)"), 90s);
  ASSERT_TRUE(offline && *offline == "OFFLINE") << "stdout:\n"
                                                << browser.stdout_text() << "\nstderr:\n"
                                                << browser.stderr_text();
  reply(others[3].first, "oui");
  reply(others[4].first, "non");

  const auto exit_code = browser.wait_for_exit(100s);
  const std::string out = browser.stdout_text();
  EXPECT_EQ(exit_code, std::optional<int>(0)) << "stdout:\n"
                                              << out << "\nstderr:\n"
                                              << browser.stderr_text();
  EXPECT_NE(out.find("\nPASS"), std::string::npos) << out;

  // The screenshots are kept as artifacts: PNGs, named on stdout.
  const std::set<std::string> screenshots = screenshots_named(out);
  for (const char* name : {"coordinator-phone-390x844.png", "executive-desktop-1280x800.png"}) {
    const fs::path path = artifacts / name;
    EXPECT_TRUE(screenshots.contains(path.string())) << name << " not taken";
    EXPECT_TRUE(read_file(path).starts_with("\x89PNG")) << path;
  }
  for (const auto& path : screenshots) std::cout << "screenshot: " << path << "\n";
}

// ---- a coordinator on a phone, a union in another time zone than the machine ------------

// Console gateways (the default: they send no delivery receipts), the union in Toronto, the
// browser in UTC. The alert goes to one region of two that a coordinator holds, by their
// keys ("monteregie"); members of that region answer on their RSVP page, asking for bus
// seats at two pickup points, one of which overflows.
class DashboardBrowserLayout : public ::testing::Test {
 protected:
  testing::AlertScenario scenario_{{.extra_config = "time_zone: \"America/Toronto\"\n"}};
};

TEST_F(DashboardBrowserLayout, ACoordinatorsPhoneShowsPickupsFirstWithTimesInTheUnionsZone) {
  if (const std::string missing = browser_missing(); !missing.empty()) GTEST_SKIP() << missing;
  ASSERT_TRUE(fs::exists(kBrowserTests / "node_modules" / "playwright-core" / "package.json"))
      << "playwright-core is not installed: run `npm ci` in tests/browser (tests/run.sh does)";

  testing::RosterOptions roster;
  roster.members = 80;
  const auto members = scenario_.import_roster(roster);
  std::map<std::string, int> per_region;
  for (const auto& member : members) ++per_region[member.region];
  // The alert's region (the most common) and the coordinator's other one (the next).
  std::vector<std::pair<int, std::string>> by_size;
  for (const auto& [name, count] : per_region) by_size.emplace_back(count, name);
  std::sort(by_size.rbegin(), by_size.rend());
  ASSERT_GE(by_size.size(), 2u);
  const std::string region = by_size[0].second;
  const std::string other = by_size[1].second;
  ASSERT_GE(by_size[0].first, 3);

  const std::string points = R"([{"id":"P1","name":"Terminus","region":)" + json_string(region) +
                             R"(,"busCapacity":1},{"id":"P2","name":"Cégep","region":)" +
                             json_string(region) + R"(,"busCapacity":40},)" +
                             R"({"id":"P3","name":"Aréna","region":)" + json_string(other) +
                             R"(,"busCapacity":50}])";
  // 07:00 in Toronto is 11:00 UTC: a page in the browser's zone would say 11.
  const std::string audience = json_string("region:\"" + region + "\"");
  const auto alert = scenario_.send_and_wait(
      R"({"kind":"EMERGENCY_ASSEMBLY","title":"Assemblée","eventTime":"2030-06-06T07:00:00-04:00",)"
      R"("expiresAt":"2030-06-06T06:00:00-04:00","place":"Parc Lafontaine","channels":"SMS",)"
      R"("carSeats":true,"messages":{"fr":{"sms":"{first_name}: {rsvp_link}"}},"audience":)" +
          audience + R"(,"pickupPoints":)" + points + "}",
      60s);

  // Members of the region answer on their RSVP page: 2 + 1 bus seats, 3 people coming.
  const auto tags = scenario_.link_tags(alert.id);
  std::vector<std::string> links;
  for (const auto& member : members) {
    if (member.region == region && tags.contains(member.id)) {
      links.push_back(scenario_.daemon().base_url() + "/r/" + alert.code + "." +
                      tags.at(member.id));
    }
  }
  ASSERT_GE(links.size(), 3u);
  const char* forms[] = {"answer=yes&busSeats=2&pickup=P1&party=2",
                         "answer=yes&busSeats=1&pickup=P2&party=1", "answer=no"};
  for (size_t i = 0; i < 3; ++i) {
    // As the page's own form posts it (another site's form, or one without an origin and
    // the page's token, is refused).
    auto answer = testing::http_request("POST", links[i], forms[i],
                                        {"Content-Type: application/x-www-form-urlencoded",
                                         "Origin: " + scenario_.daemon().base_url()});
    ASSERT_EQ(answer.status, 200) << answer.body;
  }

  auto& daemon = scenario_.daemon();
  // Two people signed in by code; the console gateways print the codes' SMS on the
  // daemon's standard output.
  const auto texts_to = [&daemon](std::string number) {
    return [&daemon, number] {
      std::vector<std::string> texts;
      std::istringstream out(daemon.process().stdout_text());
      for (std::string line; std::getline(out, line);) {
        if (line.find("\"to\":\"" + number + "\"") != std::string::npos) texts.push_back(line);
      }
      return texts;
    };
  };
  const std::string executive =
      testing::session_by_code(daemon, scenario_.token(),
                               R"({"name":"Exécutif","role":"executive","mobile":"+15145550102"})",
                               "+15145550102", texts_to("+15145550102"));
  const std::string coordinator = testing::session_by_code(
      daemon, scenario_.token(),
      R"({"name":"Coordination","role":"coordinator","mobile":"+15145550103","regions":[)" +
          json_string(turnout::region_part(region)) + "," +
          json_string(turnout::region_part(other)) + "]}",
      "+15145550103", texts_to("+15145550103"));

  const fs::path artifacts = fs::path(TOCSIN_TEST_ARTIFACTS_DIR) / "dashboard-layout";
  fs::remove_all(artifacts);
  fs::create_directories(artifacts);
  const std::string settings =
      "{\"url\":" + json_string(daemon.base_url()) + ",\"chromium\":" + json_string(kChromium) +
      ",\"artifacts_dir\":" + json_string(artifacts.string()) +
      ",\"alert_id\":" + json_string(alert.id) +
      ",\"executive_session\":" + json_string(executive) +
      ",\"coordinator_session\":" + json_string(coordinator) +
      ",\"alert_region\":{\"key\":" + json_string(turnout::region_part(region)) +
      ",\"name\":" + json_string(region) +
      "},\"other_region\":{\"key\":" + json_string(turnout::region_part(other)) +
      ",\"name\":" + json_string(other) + "}" +
      R"(,"pickups":{"P1":{"needed":2,"capacity":1,"over":true},"P2":{"needed":1,"capacity":40,"over":false}})" +
      R"(,"region_counts":{"yes":2,"coming":3,"bus_seats":3})" +
      R"(,"event_time":{"fr":"7 h 00","en":"7:00 a.m."},"utc_time":{"fr":"11 h 00","en":"11:00"}})";

  testing::Subprocess browser(
      {.argv = {find_program("node")->string(), (kBrowserTests / "dashboard_layout.mjs").string(),
                settings},
       .cwd = kBrowserTests});
  const auto exit_code = browser.wait_for_exit(100s);
  const std::string out = browser.stdout_text();
  EXPECT_EQ(exit_code, std::optional<int>(0)) << "stdout:\n"
                                              << out << "\nstderr:\n"
                                              << browser.stderr_text();
  EXPECT_NE(out.find("\nPASS"), std::string::npos) << out;

  // At 390 px and 1366 px, French and English, for the coordinator and the executive.
  const std::set<std::string> screenshots = screenshots_named(out);
  for (const char* who : {"coordinator", "executive"}) {
    for (const char* lang : {"fr", "en"}) {
      for (const char* width : {"390", "1366"}) {
        const fs::path path =
            artifacts / ("dashboard-" + std::string(who) + "-" + lang + "-" + width + ".png");
        EXPECT_TRUE(screenshots.contains(path.string())) << path << " not taken";
        EXPECT_TRUE(read_file(path).starts_with("\x89PNG")) << path;
      }
    }
  }
  for (const auto& path : screenshots) std::cout << "screenshot: " << path << "\n";
}

}  // namespace
}  // namespace tocsin
