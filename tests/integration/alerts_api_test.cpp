// The alert lifecycle through a real tocsind and redis-server: creation with its preview,
// the exact recipients per channel and language on a small known roster, the approval
// rule, cancel and close, the audit stream, and bad input that changes nothing.

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <tuple>

#include "auth/token.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;

const std::string kHeader =
    "Numéro de membre,Prénom,Nom,Cellulaire,Courriel,Langue,Région,Secteur,Syndicat local,"
    "Titre d'emploi,Étiquettes\n";

// Ten members. Shared phones and the shared email are each within one language, so the
// language of the one message they get does not depend on which holder is counted first.
//   0101: members 1 and 3 (fr)        0104: members 4 and 5 (en)
//   0106: opted out of SMS (member 6)  m7@: opted out of email (member 7)
//   partage@: members 8 and 9 (fr), who have no mobile
const std::string kRoster = kHeader +
                            "1,Marie,A,819-555-0101,m1@exemple.qc.ca,fr,Estrie,Santé,1001,,\n"
                            "2,Alex,B,819-555-0102,m2@exemple.qc.ca,en,Estrie,Santé,1001,,\n"
                            "3,Luc,C,819-555-0101,m3@exemple.qc.ca,fr,Estrie,Santé,1001,,\n"
                            "4,Sam,D,819-555-0104,m4@exemple.qc.ca,en,Montérégie,Santé,1001,,\n"
                            "5,Kim,E,819-555-0104,,en,Montérégie,Santé,1001,,\n"
                            "6,Léa,F,819-555-0106,m6@exemple.qc.ca,fr,Montérégie,Santé,1001,,\n"
                            "7,Tom,G,819-555-0107,m7@exemple.qc.ca,en,Montérégie,Santé,1001,,\n"
                            "8,Ève,H,,partage@exemple.qc.ca,fr,Laval,Santé,1001,,\n"
                            "9,Ana,I,,partage@exemple.qc.ca,fr,Laval,Santé,1001,,\n"
                            "10,Bob,J,819-555-0110,,en,Laval,Santé,1001,,\n";

Alert make_alert(const std::string& audience, Channel channels, bool english) {
  Alert alert;
  alert.set_kind(BANNER_DROP);
  alert.set_title("Bannière test");
  alert.set_event_time("2030-06-06T07:00:00-04:00");
  alert.set_expires_at("2030-06-06T06:00:00-04:00");
  alert.set_place("le pont");
  alert.set_audience(audience);
  alert.set_channels(channels);
  alert.set_rsvp_yes_no_maybe(true);
  AlertMessage& fr = (*alert.mutable_messages())["fr"];
  fr.set_sms("{first_name}, bannière {event_time} au {place}. OUI {code} ou {rsvp_link}");
  fr.set_email_subject("Bannière ({code})");
  fr.set_email_body("Bonjour {first_name}, {rsvp_link}");
  if (english) {
    AlertMessage& en = (*alert.mutable_messages())["en"];
    en.set_sms("{first_name}, banner drop {event_time} at {place}. YES {code} or {rsvp_link}");
    en.set_email_subject("Banner drop ({code})");
    en.set_email_body("Hello {first_name}, {rsvp_link}");
  }
  return alert;
}

using AuditEntry = std::tuple<std::string, std::string, std::string>;

// XRANGE audit - +: the fields of each entry, in order.
std::vector<std::map<std::string, std::string>> audit_fields(RedisSync& store) {
  const redis::Reply stream = store.command({"XRANGE", "audit", "-", "+"});
  std::vector<std::map<std::string, std::string>> entries;
  for (const redis::Reply& entry : stream.elements) {
    const std::vector<redis::Reply>& fields = entry.elements.at(1).elements;
    auto& values = entries.emplace_back();
    for (size_t j = 0; j + 1 < fields.size(); j += 2) values[fields[j].str] = fields[j + 1].str;
  }
  return entries;
}

// {actor, action, subject} of each audit entry, in order.
std::vector<AuditEntry> audit(RedisSync& store) {
  std::vector<AuditEntry> entries;
  for (auto& values : audit_fields(store)) {
    entries.emplace_back(values["actor"], values["action"], values["subject"]);
  }
  return entries;
}

class AlertsApi : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<DaemonProcess>(DaemonProcess::Options{
        .redis_url = redis_.url(),
        .extra_config = "alerts { approval_threshold: 5 }\n"
                        "gateways { name: \"sms\" rate_per_second: 10 "
                        "file { channel: \"sms\" path: \"/dev/null\" } }\n"
                        "gateways { name: \"email\" rate_per_second: 100 "
                        "file { channel: \"email\" path: \"/dev/null\" } }\n"});
    ASSERT_TRUE(eventually([&] { return http_get(url("/readyz")).status == 200; }, 5s));
    admin_ = daemon_->bootstrap_admin("ops");
    marie_ = daemon_->create_token(admin_, R"({"name":"Marie","role":"executive"})");
    luc_ = daemon_->create_token(admin_, R"({"name":"Luc","role":"executive"})");
  }

  std::string url(const std::string& path) const { return daemon_->base_url() + path; }
  void import_roster() {
    auto response = http_request("POST", url("/v1/members:import"), kRoster,
                                 {"Authorization: Bearer " + admin_, "Content-Type: text/csv"});
    ASSERT_EQ(response.status, 200) << response.body;
  }
  HttpResponse post(const std::string& path, const std::string& token,
                    const std::string& body = "{}") {
    return http_request("POST", url(path), body, bearer(token));
  }
  static AlertResponse parse(const HttpResponse& response) {
    AlertResponse parsed;
    std::string error;
    EXPECT_TRUE(http::from_json(response.body, &parsed, &error)) << error << response.body;
    return parsed;
  }
  // POST /v1/alerts as `token`: the answer, which must be 201.
  AlertResponse create(const Alert& alert, const std::string& token) {
    auto response = post("/v1/alerts", token, http::to_json(alert));
    EXPECT_EQ(response.status, 201) << response.body;
    return parse(response);
  }
  AlertResponse get(const std::string& id, const std::string& token) {
    auto response = http_get(url("/v1/alerts/" + id), bearer(token));
    EXPECT_EQ(response.status, 200) << response.body;
    return parse(response);
  }
  // (channel, language) -> recipients of the preview.
  static std::map<std::pair<std::string, std::string>, int64_t> recipients(
      const AlertResponse& response) {
    std::map<std::pair<std::string, std::string>, int64_t> counts;
    for (const auto& row : response.preview().recipients()) {
      counts[{row.channel(), row.language()}] = row.recipients();
    }
    return counts;
  }

  RedisServer redis_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string admin_, marie_, luc_;
};

using Counts = std::map<std::pair<std::string, std::string>, int64_t>;

TEST_F(AlertsApi, CreateStoresADraftWithIdCodeAndPreview) {
  import_roster();
  const AlertResponse first = create(make_alert("region:estrie", SMS, true), marie_);
  const Alert& alert = first.alert();
  EXPECT_TRUE(std::regex_match(alert.id(), std::regex("[a-z0-9]{16}"))) << alert.id();
  EXPECT_EQ(alert.code(), "A1");
  EXPECT_EQ(alert.state(), DRAFT);
  EXPECT_EQ(alert.created_by(), "Marie");
  EXPECT_GT(alert.created_at_unix(), 0);
  EXPECT_EQ(first.preview().alert_id(), alert.id());
  EXPECT_EQ(first.audience_members(), 3);
  EXPECT_FALSE(first.needs_second_approval());
  EXPECT_EQ(first.approval_threshold(), 5);
  ASSERT_EQ(first.preview().sms_size(), 2);
  EXPECT_NE(first.preview().sms(1).text().find("OUI A1"), std::string::npos)
      << "the sample carries the alert's own code";
  EXPECT_GT(first.preview().estimated_seconds(), 0);
  EXPECT_GT(first.preview().estimated_cost_cents(), 0);

  EXPECT_EQ(create(make_alert("all", SMS, true), marie_).alert().code(), "A2");

  RedisSync peek(redis_.port());
  const std::string key = "alert:{" + alert.id() + "}";
  EXPECT_EQ(peek.text({"HGET", key, "state"}), "draft");
  EXPECT_EQ(peek.text({"HGET", key, "kind"}), "urgent");
  EXPECT_EQ(peek.text({"HGET", key, "created_by"}), "Marie");
  EXPECT_EQ(peek.text({"HGET", key, "created_by_token"}), auth::token_id(marie_));
  EXPECT_EQ(peek.text({"HGET", key, "expires_at_ms"}), "1906970400000");
  EXPECT_EQ(peek.text({"GET", "alert:code:A1"}), alert.id());
  EXPECT_EQ(peek.text({"ZSCORE", "alerts", alert.id()}).empty(), false);
  EXPECT_EQ(peek.text({"KEYS", "tmp:*"}), "") << "previews leave no temporary key";

  const AlertResponse fetched = get(alert.id(), marie_);
  EXPECT_EQ(fetched.alert().title(), "Bannière test");
  EXPECT_EQ(fetched.alert().state(), DRAFT);
}

TEST_F(AlertsApi, PreviewCountsPerChannelAndLanguageAfterOptOutsAndSharedAddresses) {
  RedisSync peek(redis_.port());
  peek.command({"SADD", "{roster}:optout:sms", "+18195550106"});
  peek.command({"SADD", "{roster}:optout:email", "m7@exemple.qc.ca"});
  import_roster();

  const AlertResponse both = create(make_alert("all", BOTH, true), marie_);
  EXPECT_EQ(both.audience_members(), 10);
  EXPECT_EQ(
      recipients(both),
      (Counts{{{"sms", "fr"}, 1}, {{"sms", "en"}, 4}, {{"email", "fr"}, 4}, {{"email", "en"}, 2}}));
  EXPECT_EQ(both.preview().sms_recipients(), 5);
  EXPECT_EQ(both.preview().email_recipients(), 6);

  // French only: everyone gets the French message.
  const AlertResponse french = create(make_alert("all", SMS, false), marie_);
  EXPECT_EQ(recipients(french), (Counts{{{"sms", "fr"}, 5}}));

  const AlertResponse email =
      create(make_alert("region:laval OR region:estrie", EMAIL, true), marie_);
  EXPECT_EQ(recipients(email), (Counts{{{"email", "fr"}, 3}, {{"email", "en"}, 1}}));

  // A member indexed without a language counts as French.
  peek.command({"HDEL", "{roster}:member:10:idx", "language"});
  auto again = http_get(url("/v1/alerts/" + both.alert().id() + "/preview"), bearer(marie_));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(
      recipients(parse(again)),
      (Counts{{{"sms", "fr"}, 2}, {{"sms", "en"}, 3}, {{"email", "fr"}, 4}, {{"email", "en"}, 2}}));
  EXPECT_EQ(peek.text({"KEYS", "tmp:*"}), "");
}

TEST_F(AlertsApi, LargeAudienceNeedsASecondExecutive) {
  import_roster();
  const AlertResponse large = create(make_alert("all", SMS, true), marie_);
  EXPECT_TRUE(large.needs_second_approval());
  const std::string id = large.alert().id();

  auto by_creator = post("/v1/alerts/" + id + ":approve", marie_);
  EXPECT_EQ(by_creator.status, 403);
  EXPECT_NE(by_creator.body.find("second executive"), std::string::npos) << by_creator.body;
  auto send_draft = post("/v1/alerts/" + id + ":send", marie_);
  EXPECT_EQ(send_draft.status, 403) << send_draft.body;
  EXPECT_EQ(get(id, marie_).alert().state(), DRAFT);

  auto by_second = post("/v1/alerts/" + id + ":approve", luc_);
  ASSERT_EQ(by_second.status, 200) << by_second.body;
  EXPECT_EQ(parse(by_second).alert().state(), APPROVED);
  EXPECT_EQ(parse(by_second).alert().approved_by(), "Luc");
  EXPECT_EQ(post("/v1/alerts/" + id + ":approve", luc_).status, 409) << "approved once";

  RedisSync peek(redis_.port());
  const std::string key = "alert:{" + id + "}";
  EXPECT_EQ(peek.text({"HGET", key, "approved_by_token"}), auth::token_id(luc_));
  EXPECT_FALSE(peek.text({"HGET", key, "approved_at_ms"}).empty());
}

TEST_F(AlertsApi, SmallAudienceMayBeApprovedAndSentByItsCreator) {
  import_roster();
  const AlertResponse small = create(make_alert("region:estrie", SMS, true), marie_);
  EXPECT_FALSE(small.needs_second_approval());
  const std::string id = small.alert().id();
  auto approved = post("/v1/alerts/" + id + ":approve", marie_);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(parse(approved).alert().state(), APPROVED);

  auto sent = post("/v1/alerts/" + id + ":send", marie_);
  ASSERT_EQ(sent.status, 202) << sent.body;
  const AlertState state = parse(sent).alert().state();
  EXPECT_TRUE(state == SENDING || state == SENT) << AlertState_Name(state);
  EXPECT_EQ(post("/v1/alerts/" + id + ":send", marie_).status, 409) << "sent once";
}

TEST_F(AlertsApi, CancelAndCloseFollowTheLifecycle) {
  import_roster();
  const std::string draft = create(make_alert("region:estrie", SMS, true), marie_).alert().id();
  EXPECT_EQ(post("/v1/alerts/" + draft + ":close", marie_).status, 409) << "only sent closes";
  auto cancelled = post("/v1/alerts/" + draft + ":cancel", luc_);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(parse(cancelled).alert().state(), CANCELLED);
  EXPECT_EQ(parse(cancelled).cancelled_by(), "Luc");
  EXPECT_EQ(post("/v1/alerts/" + draft + ":cancel", marie_).status, 409);
  EXPECT_EQ(post("/v1/alerts/" + draft + ":approve", marie_).status, 409);
  EXPECT_EQ(post("/v1/alerts/" + draft + ":send", marie_).status, 409);

  const std::string approved = create(make_alert("region:estrie", SMS, true), marie_).alert().id();
  ASSERT_EQ(post("/v1/alerts/" + approved + ":approve", marie_).status, 200);
  EXPECT_EQ(post("/v1/alerts/" + approved + ":cancel", marie_).status, 200);

  // Sent is the dispatch engine's to set; here it is set by hand, with delivery counts.
  const std::string sent = create(make_alert("region:estrie", SMS, true), marie_).alert().id();
  RedisSync peek(redis_.port());
  peek.command({"HSET", "alert:{" + sent + "}", "state", "sent"});
  peek.command({"HSET", "alert:{" + sent + "}:count", "sent", "2", "delivered", "1"});
  const AlertResponse shown = get(sent, marie_);
  EXPECT_EQ(shown.alert().state(), SENT);
  EXPECT_EQ(shown.delivery().at("sent"), 2);
  EXPECT_EQ(shown.delivery().at("delivered"), 1);
  EXPECT_EQ(post("/v1/alerts/" + sent + ":cancel", marie_).status, 409);
  auto closed = post("/v1/alerts/" + sent + ":close", marie_);
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(parse(closed).alert().state(), CLOSED);
  EXPECT_EQ(post("/v1/alerts/" + sent + ":close", marie_).status, 409);
  EXPECT_EQ(post("/v1/alerts/" + sent + ":cancel", marie_).status, 409);
}

TEST_F(AlertsApi, EveryTransitionIsAudited) {
  import_roster();
  const std::string large = create(make_alert("all", SMS, true), marie_).alert().id();
  ASSERT_EQ(post("/v1/alerts/" + large + ":approve", marie_).status, 403);
  ASSERT_EQ(post("/v1/alerts/" + large + ":approve", luc_).status, 200);
  ASSERT_EQ(post("/v1/alerts/" + large + ":cancel", marie_).status, 200);

  std::vector<AuditEntry> of_alert;
  RedisSync peek(redis_.port());
  for (const auto& entry : audit(peek)) {
    if (std::get<2>(entry) == large) of_alert.push_back(entry);
  }
  EXPECT_EQ(of_alert, (std::vector<AuditEntry>{{"Marie", "alert.create", large},
                                               {"Luc", "alert.approve", large},
                                               {"Marie", "alert.cancel", large}}))
      << "a refused approval changes nothing, so it is not a transition";
}

TEST_F(AlertsApi, BadInputGets400WithAFieldAndChangesNothing) {
  import_roster();
  Alert untitled = make_alert("all", SMS, true);
  untitled.clear_title();
  Alert bad_audience = make_alert("region:estrie AND", SMS, true);
  Alert no_french = make_alert("all", SMS, true);
  no_french.mutable_messages()->erase("fr");
  Alert expired = make_alert("all", SMS, true);
  expired.set_expires_at("2020-01-01T00:00:00Z");
  Alert unknown_placeholder = make_alert("all", SMS, true);
  (*unknown_placeholder.mutable_messages())["fr"].set_sms("{frist_name}");

  struct Case {
    std::string body;
    std::string field;
  };
  for (const auto& c : std::vector<Case>{
           {"{not json", "body"},
           {R"({"title":"x","colour":"red"})", "body"},
           {http::to_json(untitled), "title"},
           {http::to_json(bad_audience), "audience"},
           {http::to_json(no_french), "messages"},
           {http::to_json(expired), "expires_at"},
           {http::to_json(unknown_placeholder), "messages.fr.sms"},
       }) {
    auto response = post("/v1/alerts", marie_, c.body);
    EXPECT_EQ(response.status, 400) << c.body;
    EXPECT_NE(response.body.find("\"field\":\"" + c.field + "\""), std::string::npos)
        << c.body << " -> " << response.body;
  }
  auto bad_audience_answer = post("/v1/alerts", marie_, http::to_json(bad_audience));
  EXPECT_NE(bad_audience_answer.body.find("column"), std::string::npos) << bad_audience_answer.body;

  RedisSync peek(redis_.port());
  EXPECT_EQ(peek.text({"KEYS", "alert*"}), "") << "no alert key, no code counter";
  EXPECT_EQ(peek.text({"KEYS", "tmp:*"}), "");
  for (const auto& entry : audit(peek)) EXPECT_NE(std::get<1>(entry), "alert.create");
}

// `tocsin alert list` prints titles to every officer: a terminal escape or a line break in
// one is refused with the field and where it is, and nothing is stored.
TEST_F(AlertsApi, ControlCharactersIn400NamingTheFieldAndChangeNothing) {
  import_roster();
  Alert escape = make_alert("all", SMS, true);
  escape.set_title("ab\x1b[31mrouge");
  Alert forged_row = make_alert("all", SMS, true);
  forged_row.set_title("Vrai\nA9  sent  Faux");
  Alert nul_pickup = make_alert("all", SMS, true);
  PickupPoint* point = nul_pickup.add_pickup_points();
  point->set_id("MTL");
  point->set_name(std::string("Gare\0", 5));
  Alert subject = make_alert("all", EMAIL, true);
  (*subject.mutable_messages())["fr"].set_email_subject("Sujet\r\nBcc: x@exemple.qc.ca");

  struct Case {
    Alert alert;
    std::string answer;
  };
  for (const auto& c : std::vector<Case>{
           {escape,
            R"({"error":"contains a control character (U+001B) at position 3","field":"title"})"},
           {forged_row,
            R"({"error":"contains a control character (U+000A) at position 5","field":"title"})"},
           {nul_pickup, R"({"error":"contains a control character (U+0000) at position 5",)"
                        R"("field":"pickup_points[0].name"})"},
           {subject, R"({"error":"contains a control character (U+000D) at position 6",)"
                     R"("field":"messages.fr.email_subject"})"},
       }) {
    auto response = post("/v1/alerts", marie_, http::to_json(c.alert));
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(response.body, c.answer);
  }
  // Line breaks belong in message texts.
  Alert multiline = make_alert("all", BOTH, true);
  (*multiline.mutable_messages())["fr"].set_sms("{first_name},\nbannière {event_time}.\n{code}");
  (*multiline.mutable_messages())["fr"].set_email_body("Bonjour {first_name},\r\n\r\n{rsvp_link}");
  EXPECT_EQ(post("/v1/alerts", marie_, http::to_json(multiline)).status, 201);

  RedisSync peek(redis_.port());
  EXPECT_EQ(peek.integer({"ZCARD", "alerts"}), 1) << "only the multiline alert is stored";
}

// Protobuf's JSON parser would store [[{...}]] flattened, [null] as an empty pickup point
// and 10,000 nested arrays as none: each is a 400 naming the field.
TEST_F(AlertsApi, MalformedShapesAre400NamingTheField) {
  import_roster();
  const std::string alert = http::to_json(make_alert("all", SMS, true));
  // The alert's JSON has "pickupPoints":[] (every field is printed): put the shape there.
  ASSERT_NE(alert.find(R"("pickupPoints":[])"), std::string::npos) << alert;
  const auto with = [&](const std::string& pickup_points) {
    return std::regex_replace(alert, std::regex(R"("pickupPoints":\[\])"),
                              R"("pickupPoints":)" + pickup_points);
  };
  struct Case {
    std::string body;
    std::string answer;
  };
  for (const auto& c : std::vector<Case>{
           {with(R"([[{"id":"MTL","name":"Gare"}]])"),
            R"({"error":"malformed JSON body: pickupPoints[0]: is an array, expected an )"
            R"(object","field":"pickupPoints[0]"})"},
           {with("[null]"),
            R"({"error":"malformed JSON body: pickupPoints[0]: is null, expected an object",)"
            R"("field":"pickupPoints[0]"})"},
           {with(std::string(10000, '[') + std::string(10000, ']')),
            R"({"error":"malformed JSON body: pickupPoints: nests arrays or objects more than )"
            R"(16 deep","field":"pickupPoints"})"},
       }) {
    auto response = post("/v1/alerts", marie_, c.body);
    EXPECT_EQ(response.status, 400) << c.body.substr(0, 80);
    EXPECT_EQ(response.body, c.answer);
  }
  RedisSync peek(redis_.port());
  EXPECT_EQ(peek.text({"KEYS", "alert*"}), "") << "nothing stored";
}

// Tokens are not accounts: an admin can make an executive token bearing the creator's
// name. Above the threshold that token may not approve the creator's alert, and the audit
// tells the tokens apart.
TEST_F(AlertsApi, ASecondTokenWithTheCreatorsNameMayNotApprove) {
  import_roster();
  const std::string twin =
      daemon_->create_token(admin_, R"({"name":" marie ","role":"executive"})");
  const std::string id = create(make_alert("all", SMS, true), marie_).alert().id();

  auto refused = post("/v1/alerts/" + id + ":approve", twin);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body,
            R"({"error":"this alert reaches 10 members, more than the approval threshold of 5: )"
            R"(a second executive must approve it, not its creator: this token bears the )"
            R"(creator's name \"Marie\"","field":""})");
  EXPECT_EQ(get(id, marie_).alert().state(), DRAFT);

  ASSERT_EQ(post("/v1/alerts/" + id + ":approve", luc_).status, 200);
  ASSERT_EQ(post("/v1/alerts/" + id + ":send", luc_).status, 202);
  // Each entry carries the token that acted: creator and approver are told apart even
  // where names could not be.
  RedisSync peek(redis_.port());
  std::map<std::string, std::string> detail_of;
  for (auto& values : audit_fields(peek)) {
    if (values["subject"] == id) detail_of[values["action"]] = values["detail"];
  }
  for (const auto& [action, token] : std::vector<std::pair<std::string, std::string>>{
           {"alert.create", marie_}, {"alert.approve", luc_}, {"alert.send", luc_}}) {
    EXPECT_TRUE(detail_of[action].ends_with(" token=" + auth::token_id(token)) ||
                detail_of[action].find(" token=" + auth::token_id(token) + " ") !=
                    std::string::npos)
        << action << ": " << detail_of[action];
  }
  EXPECT_NE(auth::token_id(twin), auth::token_id(marie_));
}

TEST_F(AlertsApi, UnknownIdsAre404) {
  for (const std::string id : {"aaaaaaaaaaaaaaaa", "nope", "A1"}) {
    EXPECT_EQ(http_get(url("/v1/alerts/" + id), bearer(marie_)).status, 404) << id;
    EXPECT_EQ(http_get(url("/v1/alerts/" + id + "/preview"), bearer(marie_)).status, 404) << id;
    for (const std::string verb : {"approve", "send", "cancel", "close"}) {
      auto response = post("/v1/alerts/" + id + ":" + verb, marie_);
      EXPECT_EQ(response.status, 404) << id << ":" << verb << " -> " << response.body;
    }
  }
}

TEST_F(AlertsApi, CoordinatorsMayReadButNotChange) {
  import_roster();
  const std::string coordinator = daemon_->create_token(
      admin_, R"({"name":"Coord","role":"coordinator","regions":["estrie"]})");
  const std::string id = create(make_alert("region:estrie", SMS, true), marie_).alert().id();
  EXPECT_EQ(post("/v1/alerts", coordinator, http::to_json(make_alert("all", SMS, true))).status,
            403);
  EXPECT_EQ(post("/v1/alerts/" + id + ":approve", coordinator).status, 403);
  EXPECT_EQ(post("/v1/alerts/" + id + ":send", coordinator).status, 403);
  EXPECT_EQ(post("/v1/alerts/" + id + ":cancel", coordinator).status, 403);
  EXPECT_EQ(http_get(url("/v1/alerts/" + id), bearer(coordinator)).status, 200);
  EXPECT_EQ(http_get(url("/v1/alerts"), bearer(coordinator)).status, 200);
  EXPECT_EQ(get(id, marie_).alert().state(), DRAFT);
}

TEST_F(AlertsApi, ListShowsTheNewestFirst) {
  import_roster();
  for (int i = 0; i < 3; ++i) create(make_alert("region:estrie", SMS, true), marie_);
  auto response = http_get(url("/v1/alerts?limit=2"), bearer(marie_));
  ASSERT_EQ(response.status, 200) << response.body;
  AlertListResponse list;
  std::string error;
  ASSERT_TRUE(http::from_json(response.body, &list, &error)) << error;
  ASSERT_EQ(list.alerts_size(), 2);
  EXPECT_EQ(list.alerts(0).code(), "A3");
  EXPECT_EQ(list.alerts(1).code(), "A2");
  EXPECT_EQ(list.alerts(0).state(), DRAFT);
  EXPECT_EQ(http_get(url("/v1/alerts?limit=0"), bearer(marie_)).status, 400);
  EXPECT_EQ(http_get(url("/v1/alerts?limit=x"), bearer(marie_)).status, 400);
}

}  // namespace
}  // namespace tocsin::testing
