// CheckinStore and its scripts against a real redis-server: a member recorded present is
// counted once at their place and pickup point, a second record changes nothing and says
// when the first was, a scan after a self-report moves the member from present_self to
// present, members outside the alert are refused with nothing written, and short codes are
// made once per member, unique within their alert.

#include "checkin/checkin_store.h"

#include <gtest/gtest.h>

#include "alerts/alert_keys.h"
#include "checkin/checkin_code.h"
#include "checkin/checkin_scripts.h"
#include "redis/client.h"
#include "tests/support/redis_client_fixture.h"
#include "tests/support/redis_sync.h"
#include "turnout/rsvp_record.h"

namespace tocsin::checkin {
namespace {

namespace asio = boost::asio;
namespace keys = alerts::keys;
using Status = CheckinOutcome::Status;

const std::string kAlert = "checkinalert0001";

std::string yes_with_pickup(const std::string& pickup) {
  replies::RsvpRecord record;
  record.answer = "yes";
  record.bus_seats = 1;
  record.pickup = pickup;
  record.region = "estrie";
  record.local = "l1";
  record.at_ms = 1000;
  record.source = "sms";
  return replies::encode(record);
}

std::vector<redis::Command> seed() {
  replies::RsvpRecord no;
  no.answer = "no";
  no.region = "estrie";
  return {
      {"HSET", keys::alert(kAlert), "state", "sent"},
      {"SADD", keys::audience(kAlert), "m1", "m2", "m3", "m4"},
      {"HSET", "{roster}:member:m1:idx", "region", "estrie", "local", "l1"},
      {"HSET", "{roster}:member:m2:idx", "region", "estrie", "local", "l1"},
      {"HSET", "{roster}:member:m3:idx", "region", "estrie"},
      {"HSET", "{roster}:member:m4:idx", "region", "estrie"},
      {"HSET", keys::rsvp(kAlert), "m1", yes_with_pickup("p1"), "m2", yes_with_pickup("p1"), "m4",
       replies::encode(no)},
  };
}

class CheckinStoreTest : public testing::RedisClientFixture {
 protected:
  CheckinRequest request(std::string member, std::string how, int64_t at_ms) {
    return {kAlert, std::move(member), std::move(how), "coordinator estrie", at_ms, true};
  }
  std::string day(const std::string& field) {
    return testing::RedisSync(server_.port()).text({"HGET", keys::day(kAlert), field});
  }
  std::string version() {
    return testing::RedisSync(server_.port()).text({"GET", keys::turnout_version(kAlert)});
  }
};

TEST_F(CheckinStoreTest, ScanCountsPresentOnceAtPlaceAndPickup) {
  CheckinStore store(client_);
  run(seed(), [&]() -> asio::awaitable<void> {
    auto first = co_await store.check_in(request("m1", "scan", 5000));
    CO_ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->status, Status::checked_in);
    EXPECT_EQ(first->answer, "yes");
    EXPECT_EQ(day("estrie|all|present"), "1");
    EXPECT_EQ(day("estrie|local:l1|present"), "1");
    EXPECT_EQ(day("estrie|pickup:p1|present"), "1");
    EXPECT_EQ(version(), "1");

    auto again = co_await store.check_in(request("m1", "manual", 9000));
    CO_ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->status, Status::already);
    EXPECT_EQ(again->at_ms, 5000);
    EXPECT_EQ(again->how, "scan");
    EXPECT_EQ(again->by, "coordinator estrie");
    EXPECT_EQ(day("estrie|all|present"), "1");
    EXPECT_EQ(day("estrie|pickup:p1|present"), "1");
    EXPECT_EQ(version(), "1");  // nothing moved: no event
  });
}

TEST_F(CheckinStoreTest, ScanAfterSelfReportMovesToPresent) {
  CheckinStore store(client_);
  run(seed(), [&]() -> asio::awaitable<void> {
    auto self = co_await store.check_in(request("m2", "self", 4000));
    CO_ASSERT_TRUE(self.has_value());
    EXPECT_EQ(self->status, Status::checked_in);
    EXPECT_EQ(day("estrie|all|present_self"), "1");
    EXPECT_EQ(day("estrie|all|present"), "");
    auto self_again = co_await store.check_in(request("m2", "self", 4500));
    EXPECT_EQ(self_again->status, Status::already);
    EXPECT_EQ(day("estrie|all|present_self"), "1");

    auto scan = co_await store.check_in(request("m2", "scan", 6000));
    CO_ASSERT_TRUE(scan.has_value());
    EXPECT_EQ(scan->status, Status::checked_in);
    EXPECT_EQ(scan->at_ms, 6000);
    EXPECT_EQ(day("estrie|all|present_self"), "");
    EXPECT_EQ(day("estrie|all|present"), "1");
    EXPECT_EQ(day("estrie|pickup:p1|present"), "1");
    EXPECT_EQ(day("estrie|pickup:p1|present_self"), "");
  });
}

TEST_F(CheckinStoreTest, BusSeatPickupWinsOverTheAnswers) {
  CheckinStore store(client_);
  auto commands = seed();
  commands.push_back({"HSET", keys::seats(kAlert), "m1",
                      "p2\x1f"
                      "1\x1f"
                      "1\x1f"
                      "0\x1f"
                      "1"});
  run(commands, [&]() -> asio::awaitable<void> {
    auto outcome = co_await store.check_in(request("m1", "scan", 5000));
    CO_ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(day("estrie|pickup:p2|present"), "1");
    EXPECT_EQ(day("estrie|pickup:p1|present"), "");
  });
}

TEST_F(CheckinStoreTest, AudienceMembersWithoutYesAreCheckedInAndSaySo) {
  CheckinStore store(client_);
  run(seed(), [&]() -> asio::awaitable<void> {
    auto silent = co_await store.check_in(request("m3", "manual", 5000));
    CO_ASSERT_TRUE(silent.has_value());
    EXPECT_EQ(silent->status, Status::checked_in);
    EXPECT_EQ(silent->answer, "");
    auto said_no = co_await store.check_in(request("m4", "manual", 5000));
    EXPECT_EQ(said_no->answer, "no");
    EXPECT_EQ(day("estrie|all|present"), "2");
  });
}

TEST_F(CheckinStoreTest, MembersOutsideTheAlertAreRefusedWithNothingWritten) {
  CheckinStore store(client_);
  run(seed(), [&]() -> asio::awaitable<void> {
    auto outsider = co_await store.check_in(request("m9", "scan", 5000));
    CO_ASSERT_TRUE(outsider.has_value());
    EXPECT_EQ(outsider->status, Status::not_in_alert);
    CheckinRequest elsewhere{"nosuchalert00000", "m1", "scan", "x", 5000, true};
    auto other = co_await store.check_in(std::move(elsewhere));
    EXPECT_EQ(other->status, Status::no_alert);
    testing::RedisSync sync(server_.port());
    EXPECT_EQ(sync.integer({"EXISTS", keys::present(kAlert), keys::day(kAlert),
                            keys::turnout_version(kAlert), "audit"}),
              0);
  });
}

TEST_F(CheckinStoreTest, AuditedRecordsWriteTheTrail) {
  CheckinStore store(client_);
  run(seed(), [&]() -> asio::awaitable<void> {
    co_await store.check_in(request("m1", "scan", 5000));
    co_await store.check_in(request("m1", "scan", 6000));
    testing::RedisSync sync(server_.port());
    EXPECT_EQ(sync.integer({"XLEN", "audit"}), 2);
    EXPECT_EQ(sync.integer({"XLEN", keys::audit_trail(kAlert)}), 2);
    const std::string trail = sync.text({"XRANGE", "audit", "-", "+"});
    EXPECT_NE(trail.find("checkin.record"), std::string::npos);
    EXPECT_NE(trail.find("checkin.repeat"), std::string::npos);
    EXPECT_NE(trail.find("member=m1 how=scan"), std::string::npos);
  });
}

TEST_F(CheckinStoreTest, ShortCodesAreMadeOnceAndUniqueInTheirAlert) {
  CheckinStore store(client_);
  run(seed(), [&]() -> asio::awaitable<void> {
    auto first = co_await store.short_code(kAlert, "m1");
    CO_ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->size(), kShortCodeLength);
    auto again = co_await store.short_code(kAlert, "m1");
    EXPECT_EQ(*again, *first);
    auto other = co_await store.short_code(kAlert, "m2");
    EXPECT_NE(*other, *first);
    auto owner = co_await store.member_of_code(kAlert, *first);
    EXPECT_EQ(*owner, "m1");
    auto elsewhere = co_await store.member_of_code("otheralert000000", *first);
    EXPECT_EQ(*elsewhere, "");
    auto none = co_await store.short_code("nosuchalert00000", "m1");
    EXPECT_EQ(*none, "");
    std::vector<std::pair<std::string, std::string>> pairs{
        {kAlert, "m2"}, {kAlert, "m3"}, {kAlert, "m1"}};
    auto batch = co_await store.short_codes(std::move(pairs));
    CO_ASSERT_TRUE(batch.has_value() && batch->size() == 3);
    EXPECT_EQ((*batch)[0], *other);
    EXPECT_NE((*batch)[1], *first);
    EXPECT_EQ((*batch)[2], *first);
  });
}

TEST_F(CheckinStoreTest, ACodeTakenByAnotherMemberIsSkipped) {
  CheckinStore store(client_);
  auto commands = seed();
  commands.push_back({"HSET", keys::checkin_codes(kAlert), "AAAAAA", "m2"});
  run(commands, [&]() -> asio::awaitable<void> {
    std::vector<std::string> one_keys, two_keys, one{"1", "m1", "AAAAAA"},
        two{"2", "m1", "AAAAAA", "BBBBBB", "m1", "CCCCCC", "DDDDDD"};
    add_short_code_keys(one_keys, kAlert);
    add_short_code_keys(two_keys, kAlert);
    add_short_code_keys(two_keys, "nosuchalert00000");
    auto taken = co_await client_.eval(short_code_script(), one_keys, one);
    CO_ASSERT_TRUE(taken.has_value());
    EXPECT_EQ(taken->elements.at(0).str, "taken");
    auto next = co_await client_.eval(short_code_script(), two_keys, two);
    CO_ASSERT_TRUE(next.has_value() && next->elements.size() == 2);
    EXPECT_EQ(next->elements.at(0).str, "BBBBBB");
    EXPECT_EQ(next->elements.at(1).str, "no_alert");
    testing::RedisSync sync(server_.port());
    EXPECT_EQ(sync.text({"HGET", keys::checkin_codes(kAlert), "AAAAAA"}), "m2");
    EXPECT_EQ(sync.text({"HGET", keys::checkin_code_of(kAlert), "m1"}), "BBBBBB");
  });
}

TEST_F(CheckinStoreTest, SecretIsMadeOnceAndKept) {
  CheckinStore store(client_);
  std::vector<redis::Command> nothing;
  run(nothing, [&]() -> asio::awaitable<void> {
    auto none = co_await store.secret(false);
    EXPECT_EQ(*none, "");
    auto made = co_await store.secret(true);
    EXPECT_EQ(made->size(), 32u);
    auto kept = co_await store.secret(true);
    EXPECT_EQ(*kept, *made);
  });
}

}  // namespace
}  // namespace tocsin::checkin
