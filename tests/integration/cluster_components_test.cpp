// The parts of tocsind whose every script and transaction stays in one hash slot, run
// through the daemon's own Redis client against a one-node Redis Cluster (which refuses a
// script or a MULTI that spans two slots, and a script touching a key it did not declare
// in another): accounts, sessions and tokens with their audit entries relayed; a delivery
// receipt; matching replies, recording them and SMS opt-outs; a roster imported, counted,
// moved and trimmed; an audience walk; an alert's jobs written and relayed to the send
// queue; the send's record step with the writes around it; the relay sweep.

#include <gtest/gtest.h>

#include <algorithm>

#include "alerts/alert_keys.h"
#include "alerts/alert_relay.h"
#include "audit/audit_relay.h"
#include "auth/account_store.h"
#include "auth/auth_keys.h"
#include "auth/session_store.h"
#include "auth/token_store.h"
#include "dispatch/dispatch_keys.h"
#include "dispatch/job_writer.h"
#include "dispatch/receipt_store.h"
#include "dispatch/recorder.h"
#include "dispatch/retry_repair.h"
#include "members/audience.h"
#include "members/audience_counter.h"
#include "members/audience_walk.h"
#include "members/roster_importer.h"
#include "redis/decode.h"
#include "replies/reply_matcher.h"
#include "replies/reply_scripts.h"
#include "replies/sms_opt_outs.h"
#include "tests/support/redis_client_fixture.h"
#include "util/clock.h"

namespace tocsin {
namespace {

namespace asio = boost::asio;

testing::RedisServer::Options cluster_node() {
  testing::RedisServer::Options options;
  options.cluster = true;
  return options;
}

class ClusterComponents : public testing::RedisClientFixture {
 protected:
  ClusterComponents() : RedisClientFixture(cluster_node(), true) {}

  // The actions of the audit log, oldest first.
  asio::awaitable<std::vector<std::string>> audit_actions() {
    co_return co_await stream_values("audit", "action");
  }
};

TEST_F(ClusterComponents, TheNodeRefusesAScriptThatSpansTwoSlots) {
  // The check every test below relies on: were the node not a cluster, this would pass.
  run({}, [&]() -> asio::awaitable<void> {
    redis::Command eval{"EVAL", "#!lua\nreturn redis.call('MGET', KEYS[1], KEYS[2])", "2", "{a}x",
                        "{b}y"};
    auto reply = co_await client_.exec(std::move(eval));
    CO_ASSERT_TRUE(reply.has_value());
    EXPECT_TRUE(reply->is_error());
    EXPECT_NE(reply->str.find("CROSSSLOT"), std::string::npos) << reply->str;
  });
}

TEST_F(ClusterComponents, AccountsSessionsAndTokensWithTheirAudit) {
  run({}, [&]() -> asio::awaitable<void> {
    auth::AccountStore accounts(client_);
    auth::NewAccount luc{.name = "Luc Gagnon",
                         .role = auth::Role::executive,
                         .mobile = "+15145550101",
                         .email = "luc@example.org",
                         .created_by = "ops"};
    auto created = co_await accounts.create(luc);
    CO_ASSERT_TRUE(created.has_value() && created->created.has_value());
    const std::string id = created->created->id();
    auto found = co_await accounts.find_by_address("luc@example.org");
    CO_ASSERT_TRUE(found.has_value() && found->has_value());

    auth::SessionStore sessions(client_, accounts, {});
    auto first = co_await sessions.open(**found);
    auto second = co_await sessions.open(**found);
    CO_ASSERT_TRUE(first.has_value() && second.has_value());
    auto principal = co_await sessions.lookup(*first);
    CO_ASSERT_TRUE(principal.has_value() && principal->has_value());
    auto ended = co_await sessions.close(**principal, true);
    CO_ASSERT_TRUE(ended.has_value());
    EXPECT_EQ(*ended, 2);
    auto third = co_await sessions.open(**found);
    CO_ASSERT_TRUE(third.has_value());
    auto disabled = co_await accounts.disable(id, "ops");
    CO_ASSERT_TRUE(disabled.has_value());
    EXPECT_EQ(*disabled, auth::DisableOutcome::disabled);
    auto after = co_await sessions.lookup(*third);
    CO_ASSERT_TRUE(after.has_value());
    EXPECT_FALSE(after->has_value());

    auth::TokenStore tokens(client_);
    auth::NewToken script{.name = "ops script", .role = auth::Role::admin, .created_by = "ops"};
    auto token = co_await tokens.create(script);
    CO_ASSERT_TRUE(token.has_value());
    auto by_token = co_await tokens.lookup(*token);
    CO_ASSERT_TRUE(by_token.has_value() && by_token->has_value());
    auto revoked = co_await tokens.revoke((*by_token)->token_id, "ops");
    CO_ASSERT_TRUE(revoked.has_value());
    EXPECT_TRUE(*revoked);

    const auto actions = co_await audit_actions();
    EXPECT_EQ(actions,
              (std::vector<std::string>{"account.create", "session.sign_in", "session.sign_in",
                                        "session.sign_out_everywhere", "session.sign_in",
                                        "account.disable", "token.create", "token.revoke"}));
  });
}

TEST_F(ClusterComponents, ADeliveryReceiptMovesItsMember) {
  std::vector<redis::Command> seed{{"HSET", alerts::keys::alert("a1"), "state", "sent"},
                                   {"HSET", alerts::keys::alert("a1") + ":dims", "m1", "r1|all|"},
                                   {"HSET", alerts::keys::delivery("a1"), "m1:sms", "sent"},
                                   {"HSET", alerts::keys::counts("a1"), "sent", "1"},
                                   {"SET", dispatch::keys::receipt("twilio", "SM1"), "a1|m1|sms"}};
  run(seed, [&]() -> asio::awaitable<void> {
    dispatch::ReceiptStore receipts(client_);
    adapters::DeliveryReceipt delivered;
    delivered.message_id = "SM1";
    delivered.state = adapters::ReceiptState::delivered;
    auto applied = co_await receipts.apply("twilio", delivered);
    CO_ASSERT_TRUE(applied.has_value());
    EXPECT_EQ(*applied, dispatch::ReceiptStore::Applied::changed);
    adapters::DeliveryReceipt early = delivered;
    early.message_id = "SM2";
    auto kept = co_await receipts.apply("twilio", early);
    CO_ASSERT_TRUE(kept.has_value());
    EXPECT_EQ(*kept, dispatch::ReceiptStore::Applied::early);
  });
}

TEST_F(ClusterComponents, RepliesAreMatchedRecordedAndOptedOut) {
  const char* ana = "+15145550001";
  std::vector<redis::Command> seed{
      {"ZADD", "alerts", "1", "a1"},
      {"HSET", alerts::keys::alert("a1"), "state", "sent", "sending_at_ms", "100"},
      {"HSET", alerts::keys::recipients("a1"), ana, "m1"},
      {"HSET", "{roster}:member:m1:idx", "region", "est", "language", "fr"},
      {"SADD", "{roster}:phone:+15145550001", "m1"}};
  run(seed, [&]() -> asio::awaitable<void> {
    std::vector<replies::ReplyQuery> queries{{ana, ""}};
    auto matched = co_await replies::match_replies(client_, queries);
    CO_ASSERT_TRUE(matched.has_value() && matched->size() == 1);
    EXPECT_EQ((*matched)[0].alert, "a1");
    EXPECT_EQ((*matched)[0].member, "m1");

    replies::RsvpRecord yes;
    yes.answer = "yes";
    yes.region = "est";
    yes.at_ms = 1000;
    yes.source = "sms";
    std::vector<replies::ReplyToRecord> batch{
        {"rsvp", "m1", replies::encode(yes), "OUI", 1000, {"est"}}};
    std::vector<std::string> record_keys = replies::record_replies_keys("a1");
    std::vector<std::string> record_args = replies::record_replies_args("a1", batch);
    auto recorded = redis::decode<std::vector<std::string>>(co_await client_.eval(
        replies::record_replies_script(), std::move(record_keys), std::move(record_args)));
    CO_ASSERT_TRUE(recorded.has_value());
    EXPECT_EQ(*recorded, std::vector<std::string>{"recorded"});

    std::vector<replies::SmsOptChange> stop{{true, ana}};
    EXPECT_FALSE(co_await replies::apply_sms_opt_changes(client_, stop));
    redis::Command opted{"SISMEMBER", "{roster}:optout:sms:members", "m1"};
    auto out = redis::decode<int64_t>(co_await client_.exec(std::move(opted)));
    CO_ASSERT_TRUE(out.has_value());
    EXPECT_EQ(*out, 1);
  });
}

TEST_F(ClusterComponents, AnAudienceIsWalked) {
  std::vector<redis::Command> seed{{"SADD", "{roster}:members:all", "m1", "m2", "m3"},
                                   {"SADD", "{roster}:aud:region:est", "m1", "m2"},
                                   {"SADD", "{roster}:aud:tag:retraite", "m2"}};
  run(seed, [&]() -> asio::awaitable<void> {
    auto expr = members::parse_audience("region:est AND NOT tag:retraite");
    CO_ASSERT_TRUE(expr.has_value());
    std::vector<std::string> got;
    auto walked = co_await members::walk_audience(
        client_, *expr, 100, [&](std::vector<std::string> ids) -> asio::awaitable<std::error_code> {
          got.insert(got.end(), ids.begin(), ids.end());
          co_return std::error_code();
        });
    EXPECT_FALSE(walked);
    EXPECT_EQ(got, std::vector<std::string>{"m1"});
  });
}

TEST_F(ClusterComponents, ARosterIsImportedCountedMovedAndTrimmed) {
  const std::string header = "Numéro de membre,Prénom,Nom,Cellulaire,Courriel,Région,Étiquettes\n";
  const std::string first = header +
                            "1,Ana,Roy,514-555-0101,ana@example.org,Estrie,cse\n"
                            "2,Bo,Roy,514-555-0101,,Estrie,\n"
                            "3,Cy,Lee,,cy@example.org,Laurentides,\n";
  // 1 moves to Laurentides and drops its tag, 3 is gone (replace).
  const std::string second = header +
                             "1,Ana,Roy,514-555-0101,ana@example.org,Laurentides,\n"
                             "2,Bo,Roy,514-555-0101,,Estrie,\n";
  run({}, [&]() -> asio::awaitable<void> {
    members::AudienceCounter counter(client_);
    const auto count = [&](const char* text) -> asio::awaitable<int64_t> {
      const auto expression = members::parse_audience(text);
      if (!expression) co_return -2;
      auto counted = co_await counter.count(*expression);
      co_return counted ? counted->members : -1;
    };
    // Named, not temporaries: GCC 12 mishandles those in a co_await's full expression.
    members::RosterImporter importer(client_, members::ImportOptions{});
    auto imported = co_await importer.run(first);
    CO_ASSERT_TRUE(imported.has_value() && imported->report.has_value());
    EXPECT_EQ(imported->report->imported(), 3);
    EXPECT_EQ(co_await count("region:estrie"), 2);
    EXPECT_EQ(co_await count("region:laurentides OR tag:cse"), 2);
    members::RosterImporter replacer(client_, members::ImportOptions{.replace = true});
    auto again = co_await replacer.run(second);
    CO_ASSERT_TRUE(again.has_value() && again->report.has_value());
    EXPECT_EQ(again->report->updated(), 1);
    EXPECT_EQ(again->report->unchanged(), 1);
    EXPECT_EQ(again->report->removed(), 1);
    EXPECT_EQ(co_await count("region:estrie"), 1);
    EXPECT_EQ(co_await count("region:laurentides"), 1);
    EXPECT_EQ(co_await count("tag:cse"), 0);
    const auto all = members::parse_audience("all");
    CO_ASSERT_TRUE(all.has_value());
    auto everyone = co_await counter.count(*all);
    CO_ASSERT_TRUE(everyone.has_value());
    EXPECT_EQ(everyone->members, 2);
    EXPECT_EQ(everyone->sms_reachable, 2);
    EXPECT_EQ(everyone->email_reachable, 1);
  });
}

TEST_F(ClusterComponents, AnAlertsJobsAreWrittenAndRelayedToTheSendQueue) {
  std::vector<redis::Command> seed{
      {"HSET", "alert:{a1}", "state", "sending", "jobs_pending", "0", "jobs_queued", "0",
       "retries_pending", "0"},
      {"EVAL", "return redis.call('RPUSH', KEYS[1], cmsgpack.pack(ARGV))", "1",
       dispatch::keys::unqueued_jobs("a1"), "m1", "m2"}};
  run(seed, [&]() -> asio::awaitable<void> {
    SystemClock clock;
    const std::string queue(dispatch::keys::kUrgentQueue);
    const std::string alert = "a1";
    const dispatch::JobWriterOptions options;
    auto step = co_await dispatch::write_jobs(client_, clock, alert, queue, options);
    CO_ASSERT_TRUE(step.has_value());
    EXPECT_EQ(*step, dispatch::WriterStep::done);
    redis::Command length{"XLEN", queue};
    auto jobs = redis::decode<int64_t>(co_await client_.exec(std::move(length)));
    CO_ASSERT_TRUE(jobs.has_value());
    EXPECT_EQ(*jobs, 1);
  });
}

// A batch of every kind through the recorder's one-slot steps: a send mapped for its
// receipts (one of which came first), a gateway's opt-out, a retry, the job acknowledged
// and the alert finished; then the start's retry repair.
TEST_F(ClusterComponents, TheSendsRecordStepAndTheWritesAroundIt) {
  std::vector<redis::Command> seed{
      {"ZADD", "alerts", "1", "a1"},
      {"HSET", "alert:{a1}", "state", "sending", "jobs_pending", "1", "retries_pending", "0",
       "jobs_queued", "1"},
      {"HSET", "alert:{a1}:dims", "m1", "r1|all|", "m2", "r1|all|", "m3", "r1|all|"},
      {"XGROUP", "CREATE", "q:send:urgent", "dispatch", "0", "MKSTREAM"},
      {"XADD", "q:send:urgent", "1-1", "alert", "a1", "m", "m1"},
      {"XREADGROUP", "GROUP", "dispatch", "d1", "STREAMS", "q:send:urgent", ">"},
      {"SET", "msg:{twilio:SM2}:early", "delivered", "EX", "600"},
      {"SADD", "{roster}:phone:+15145550003", "m3"}};
  run(seed, [&]() -> asio::awaitable<void> {
    dispatch::Recorder recorder(io_.get_executor(), client_, "dispatch");
    recorder.add(dispatch::RecordResult{.alert_id = "a1",
                                        .member_id = "m1",
                                        .channel = "sms",
                                        .state = "sent",
                                        .message_id = "SM1",
                                        .receipt_key = dispatch::keys::receipt("twilio", "SM1")});
    recorder.add(dispatch::RecordResult{.alert_id = "a1",
                                        .member_id = "m2",
                                        .channel = "sms",
                                        .state = "sent",
                                        .message_id = "SM2",
                                        .receipt_key = dispatch::keys::receipt("twilio", "SM2")});
    recorder.add(dispatch::RecordResult{.alert_id = "a1",
                                        .member_id = "m3",
                                        .channel = "sms",
                                        .state = "opted_out",
                                        .address = "+15145550003"});
    recorder.add(dispatch::RecordRetry{.alert_id = "a1",
                                       .member_id = "m1",
                                       .channel = "email",
                                       .due_ms = 5000,
                                       .entry_to_add = "a1|m1|email|1"});
    recorder.stop();
    co_await recorder.run(std::chrono::seconds(5));
    CO_ASSERT_TRUE(recorder.backlog() == 0);
    // The retry pending keeps the alert sending once its job is done.
    dispatch::Recorder acks(io_.get_executor(), client_, "dispatch");
    acks.add(dispatch::RecordAck{.alert_id = "a1", .queue = "q:send:urgent", .entry_id = "1-1"});
    acks.stop();
    co_await acks.run(std::chrono::seconds(5));
    CO_ASSERT_TRUE(acks.backlog() == 0);
    redis::Command forget{"DEL", "q:retry"};  // as if a crash kept the retry out of it
    co_await client_.exec(std::move(forget));
    auto restored = co_await dispatch::repair_retry_queue(client_);
    CO_ASSERT_TRUE(restored.has_value());
    EXPECT_EQ(*restored, 1u);

    std::vector<redis::Command> reads{{"HGET", "alert:{a1}:delivery", "m1:sms"},
                                      {"HGET", "alert:{a1}:delivery", "m2:sms"},
                                      {"HGET", "alert:{a1}:delivery", "m3:sms"},
                                      {"GET", "msg:{twilio:SM1}"},
                                      {"SISMEMBER", "{roster}:optout:sms:members", "m3"},
                                      {"ZSCORE", "q:retry", "a1|m1|email|1"},
                                      {"HGET", "alert:{a1}", "jobs_pending"},
                                      {"HGET", "alert:{a1}", "state"},
                                      {"XLEN", "q:send:urgent"}};
    auto replies = co_await client_.exec_pipeline(std::move(reads));
    CO_ASSERT_TRUE(replies.has_value() && replies->size() == 9);
    std::vector<std::string> got;
    for (const auto& reply : *replies) {
      got.push_back(reply.type == redis::Reply::Type::integer ? std::to_string(reply.integer)
                                                              : reply.str);
    }
    EXPECT_EQ(got, (std::vector<std::string>{"sent", "delivered", "opted_out", "a1|m1|sms", "1",
                                             "5000", "0", "sending", "0"}));
  });
}

TEST_F(ClusterComponents, TheSweepRelaysAlertTrailsAndStandingStreams) {
  std::vector<redis::Command> seed{
      {"ZADD", "alerts", "1", "a1"},
      {"XADD", alerts::keys::audit_trail("a1"), "*", "actor", "ops", "action", "alert.create"},
      {"XADD", std::string(auth::keys::kAudit), "*", "actor", "ops", "action", "account.create"}};
  run(seed, [&]() -> asio::awaitable<void> {
    const std::vector<redis::RelaySource> standing{
        {std::string(auth::keys::kAudit), audit::relay_target(false)}};
    const std::vector<alerts::OutboxRoute> routes{alerts::route(alerts::Outbox::audit)};
    auto swept = co_await alerts::sweep_relays(client_, routes, standing);
    CO_ASSERT_TRUE(swept.has_value());
    EXPECT_EQ(*swept, 2u);
    const auto actions = co_await audit_actions();
    // The standing streams first, then the alerts' trails.
    EXPECT_EQ(actions, (std::vector<std::string>{"account.create", "alert.create"}));
    auto again = co_await alerts::sweep_relays(client_, routes, standing);
    CO_ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, 0u);
  });
}

}  // namespace
}  // namespace tocsin
