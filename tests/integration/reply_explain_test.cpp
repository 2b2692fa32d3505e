// `tocsin reply explain`: the real CLI binary prints how a reply is read, with no daemon,
// no token and no config anywhere it could find one.

#include <gtest/gtest.h>

#include "tests/support/subprocess.h"
#include "tests/support/ports.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {
namespace {

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the CLI in an empty directory, with an empty HOME and a daemon URL where nothing
// listens: whatever it prints comes from the binary alone.
Result explain(std::vector<std::string> args) {
  TempDir dir;
  Subprocess::Options options;
  options.argv = {TOCSIN_CLI_PATH, "reply", "explain"};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env_set = {{"HOME", dir.path().string()},
                     {"TOCSIN_URL", "http://127.0.0.1:" + std::to_string(free_tcp_port())}};
  options.env_unset = {"TOCSIN_TOKEN"};
  options.cwd = dir.path();
  Subprocess process(options);
  Result result;
  result.exit_code = process.wait_for_exit(std::chrono::seconds(30)).value_or(-1);
  result.out = process.stdout_text();
  result.err = process.stderr_text();
  return result;
}

TEST(ReplyExplain, PrintsTheReadingAsJsonWithoutADaemon) {
  const Result result = explain({"Oui, BUS 2 +1 svp (A7)"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            R"({"answer":"yes","transport":"bus","seats":2,"party":2,"keyword":"none",)"
            R"("confidence":"sure","code":"A7","pickup":"","language":"fr","flags":[],)"
            "\"reason\":\"\"}\n");
  EXPECT_EQ(result.err, "");
}

TEST(ReplyExplain, AnUnknownReplyIsStillAnAnswerAndExits0) {
  const Result result = explain({"j'arrête pas de penser à vous"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            R"({"answer":"none","transport":"none","seats":0,"party":0,"keyword":"none",)"
            R"("confidence":"unknown","code":"","pickup":"","language":"none","flags":[],)"
            "\"reason\":\"unrecognised words\"}\n");
}

TEST(ReplyExplain, OptOutAndPickupPoints) {
  const Result stop = explain({"ARRÊT merci"});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_NE(stop.out.find(R"("keyword":"stop")"), std::string::npos) << stop.out;
  EXPECT_NE(stop.out.find(R"("language":"fr")"), std::string::npos) << stop.out;

  const Result pickup = explain({"--pickup", "MTL", "--pickup", "LONG", "oui bus long"});
  EXPECT_EQ(pickup.exit_code, 0) << pickup.err;
  EXPECT_NE(pickup.out.find(R"("pickup":"LONG")"), std::string::npos) << pickup.out;
}

TEST(ReplyExplain, MissingTextIsAUsageError) {
  const Result result = explain({});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("TEXT"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace tocsin::testing
