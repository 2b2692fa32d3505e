// Unclear replies for coordinators (issue 6, point 7) through a real tocsind: replies no
// rule reads are listed per alert, a coordinator seeing only their regions' members;
// resolving one records the answer (as an SMS would be), takes it off the list and is
// audited; a coordinator cannot resolve a member of another region.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/reply_fixture.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::bearer;
using testing::eventually;
using ::testing::HasSubstr;
using testing::http_get;
using testing::http_request;
using ::testing::Not;
using testing::sum_over_regions;

class UnknownReplies : public testing::ReplyFixture {
 protected:
  void SetUp() override {
    ReplyFixture::SetUp();
    if (HasFatalFailure()) return;
    monteregie_ = daemon_->create_token(
        admin_, R"({"name":"coord-mon","role":"coordinator","regions":["MONTEREGIE"]})");
    estrie_ = daemon_->create_token(
        admin_, R"({"name":"coord-est","role":"coordinator","regions":["Estrie"]})");
    // Unclear replies from two members of Montérégie and one of Estrie.
    sms_reply("M1", "c'est où?");
    sms_reply("M2", "yes with my daughter");
    sms_reply("M4", "oui non");
    ASSERT_TRUE(eventually([&] { return count(unknown_key()) == 3; }, 10s))
        << daemon_->process().stderr_text();
  }

  std::string unknown_key() { return "alert:{" + id_ + "}:unknown"; }

  UnknownReplyList list(const std::string& token) {
    auto response = http_get(daemon_->base_url() + "/v1/alerts/" + id_ + "/replies?status=unknown",
                             bearer(token));
    EXPECT_EQ(response.status, 200) << response.body;
    UnknownReplyList list;
    std::string error;
    EXPECT_TRUE(http::from_json(response.body, &list, &error)) << error << response.body;
    return list;
  }

  static std::vector<std::string> ids(const UnknownReplyList& list) {
    std::vector<std::string> out;
    for (const auto& reply : list.replies()) out.push_back(reply.member_id());
    return out;
  }

  testing::HttpResponse resolve(const std::string& token, const std::string& member,
                                const std::string& json) {
    return http_request(
        "POST", daemon_->base_url() + "/v1/alerts/" + id_ + "/replies/" + member + ":resolve", json,
        bearer(token));
  }

  std::string monteregie_;
  std::string estrie_;
};

TEST_F(UnknownReplies, OfficersSeeEveryUnclearReplyOldestFirstWithWhoSentIt) {
  const auto all = list(admin_);
  EXPECT_EQ(all.alert_id(), id_);
  ASSERT_EQ(ids(all), (std::vector<std::string>{"M1", "M2", "M4"}));
  EXPECT_EQ(all.replies(0).first_name(), kZoe);
  EXPECT_EQ(all.replies(0).region(), "Montérégie");
  EXPECT_EQ(all.replies(0).text(), "c'est où?");
  EXPECT_GT(all.replies(0).received_at_ms(), 0);
  EXPECT_LE(all.replies(0).received_at_ms(), all.replies(1).received_at_ms());
  EXPECT_EQ(all.replies(1).first_name(), "Alex");
  EXPECT_EQ(all.replies(1).text(), "yes with my daughter");
  EXPECT_EQ(all.not_listed(), 0);

  auto limited =
      http_get(daemon_->base_url() + "/v1/alerts/" + id_ + "/replies?status=unknown&limit=1",
               bearer(admin_));
  ASSERT_EQ(limited.status, 200);
  EXPECT_THAT(limited.body, HasSubstr("\"notListed\":\"2\""));
}

TEST_F(UnknownReplies, ACoordinatorSeesOnlyTheMembersOfTheirRegions) {
  EXPECT_EQ(ids(list(monteregie_)), (std::vector<std::string>{"M1", "M4"}));
  const auto estrie = http_get(
      daemon_->base_url() + "/v1/alerts/" + id_ + "/replies?status=unknown", bearer(estrie_));
  ASSERT_EQ(estrie.status, 200);
  EXPECT_THAT(estrie.body, HasSubstr("\"M2\""));
  // Nothing of the other region's members: neither ids, names nor words.
  for (const char* other : {"\"M1\"", "\"M4\"", "Zo", "Luc", "c'est où", "oui non"}) {
    EXPECT_THAT(estrie.body, Not(HasSubstr(other)));
  }
}

TEST_F(UnknownReplies, TheListNeedsItsStatusAndAnAlert) {
  const std::string base = daemon_->base_url() + "/v1/alerts/";
  EXPECT_EQ(http_get(base + id_ + "/replies", bearer(admin_)).status, 400);
  EXPECT_EQ(http_get(base + id_ + "/replies?status=recorded", bearer(admin_)).status, 400);
  EXPECT_EQ(http_get(base + id_ + "/replies?status=unknown&limit=0", bearer(admin_)).status, 400);
  EXPECT_EQ(http_get(base + "zzzzzzzzzzzzzzzz/replies?status=unknown", bearer(admin_)).status, 404);
  EXPECT_EQ(http_get(base + id_ + "/replies?status=unknown").status, 401);
}

TEST_F(UnknownReplies, ResolvingRecordsTheAnswerTakesItOffTheListAndIsAudited) {
  auto resolved = resolve(monteregie_, "M1", R"({"answer":"yes","busSeats":1,"party":2})");
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  ResolveReplyResponse response;
  std::string error;
  ASSERT_TRUE(http::from_json(resolved.body, &response, &error)) << error;
  EXPECT_EQ(response.status(), "recorded");
  EXPECT_EQ(response.rsvp().answer(), "yes");
  EXPECT_EQ(response.rsvp().pickup(), "MON");
  EXPECT_EQ(response.rsvp().source(), "coordinator");

  const auto record = rsvp_of("M1");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->answer, "yes");
  EXPECT_EQ(record->bus_seats, 1);
  EXPECT_EQ(record->party, 2);
  EXPECT_EQ(record->pickup, "MON");
  EXPECT_EQ(record->source, "coordinator");
  // The member's own words stay with their answer.
  EXPECT_EQ(redis_sync_->text({"HGET", "alert:{" + id_ + "}:rsvp_text", "M1"}), "c'est où?");
  EXPECT_EQ(ids(list(admin_)), (std::vector<std::string>{"M2", "M4"}));
  auto counts = tally();
  EXPECT_EQ(sum_over_regions(counts, "all|yes"), 1);
  EXPECT_EQ(sum_over_regions(counts, "all|coming"), 2);
  EXPECT_EQ(sum_over_regions(counts, "pickup:MON|bus"), 1);
  EXPECT_EQ(counts, recount());

  const auto audit = redis_sync_->command({"XREVRANGE", "audit", "+", "-", "COUNT", "1"});
  ASSERT_EQ(audit.elements.size(), 1u);
  std::map<std::string, std::string> entry;
  const auto& fields = audit.elements[0].elements[1].elements;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) entry[fields[i].str] = fields[i + 1].str;
  EXPECT_EQ(entry["actor"], "coord-mon");
  EXPECT_EQ(entry["action"], "reply.resolve");
  EXPECT_EQ(entry["subject"], id_);
  EXPECT_THAT(entry["detail"], HasSubstr("member=M1 answer=yes bus=1"));

  // Resolved once, it is no longer there to resolve.
  EXPECT_EQ(resolve(monteregie_, "M1", R"({"answer":"no"})").status, 404);
}

TEST_F(UnknownReplies, ACoordinatorCannotResolveAMemberOfAnotherRegion) {
  const int64_t audit_before = redis_sync_->integer({"XLEN", "audit"});
  auto refused = resolve(estrie_, "M1", R"({"answer":"no"})");
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_THAT(refused.body, HasSubstr("\"field\":\"member\""));
  // Not even whether the member sent anything: a member without an unclear reply, or none
  // at all, gets the same 403.
  EXPECT_EQ(resolve(estrie_, "M5", R"({"answer":"no"})").status, 403);
  EXPECT_EQ(resolve(estrie_, "M404", R"({"answer":"no"})").status, 403);
  EXPECT_FALSE(rsvp_of("M1"));
  EXPECT_EQ(count(unknown_key()), 3);
  EXPECT_EQ(redis_sync_->integer({"XLEN", "audit"}), audit_before);
  // Their own region's member they can.
  EXPECT_EQ(resolve(estrie_, "M2", R"({"answer":"maybe"})").status, 200);
  EXPECT_EQ(rsvp_of("M2")->answer, "maybe");
}

TEST_F(UnknownReplies, AResolutionOutOfBoundsIsRefusedNamingTheField) {
  auto car = resolve(admin_, "M1", R"({"answer":"yes","carSeats":9})");
  EXPECT_EQ(car.status, 400);
  EXPECT_THAT(car.body, HasSubstr("\"field\":\"carSeats\""));
  EXPECT_EQ(resolve(admin_, "M1", R"({"answer":"yes","busSeats":11})").status, 400);
  EXPECT_EQ(resolve(admin_, "M1", R"({"answer":"yes","party":21})").status, 400);
  EXPECT_EQ(resolve(admin_, "M1", R"({"answer":"yes","pickup":"NOPE"})").status, 400);
  EXPECT_EQ(resolve(admin_, "M1", R"({"answer":"oui"})").status, 400);
  EXPECT_EQ(resolve(admin_, "M1", R"({"answer":"yes","seats":1})").status, 400);
  EXPECT_FALSE(rsvp_of("M1"));
  EXPECT_EQ(count(unknown_key()), 3);
  // A member with no unclear reply: nothing to resolve.
  EXPECT_EQ(resolve(admin_, "M3", R"({"answer":"yes"})").status, 404);
}

}  // namespace
}  // namespace tocsin
