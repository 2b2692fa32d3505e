// The Subprocess fixture itself: other integration tests rely on its waits being exact.

#include "tests/support/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <stdexcept>

#include "tests/support/temp_dir.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;

TEST(Subprocess, CapturesOutputAndExitCode) {
  Subprocess process({.argv = {"sh", "-c", "echo one; echo two >&2; printf last; exit 3"}});
  EXPECT_EQ(process.wait_for_exit(10s), 3);
  EXPECT_EQ(process.stdout_text(), "one\nlast");
  EXPECT_EQ(process.stderr_text(), "two\n");
  EXPECT_FALSE(process.running());
}

TEST(Subprocess, WaitsForAMatchingLine) {
  Subprocess process({.argv = {"sh", "-c",
                               "echo starting; sleep 0.2; echo 'listening on 8080'; "
                               "exec sleep 30"}});
  auto line = process.wait_for_stdout_line(std::regex("listening on (\\d+)"), 10s);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(*line, "listening on 8080");
  // Already captured lines match too.
  EXPECT_EQ(process.wait_for_stdout_line(std::regex("^start"), 1s), "starting");
  EXPECT_TRUE(process.running());
  EXPECT_EQ(process.wait_for_stdout_line(std::regex("never"), 100ms), std::nullopt);
  process.send_signal(SIGKILL);
  EXPECT_EQ(process.wait_for_exit(10s), 128 + SIGKILL);
}

TEST(Subprocess, NoMatchWhenOutputEnds) {
  Subprocess process({.argv = {"sh", "-c", "echo nothing here"}});
  EXPECT_EQ(process.wait_for_stdout_line(std::regex("ready"), 10s), std::nullopt);
}

TEST(Subprocess, EnvironmentAndDirectory) {
  TempDir dir;
  setenv("TOCSIN_SUBPROCESS_TEST_UNSET", "present", 1);
  Subprocess process(
      {.argv = {"sh", "-c", "echo \"$A|${TOCSIN_SUBPROCESS_TEST_UNSET:-gone}|$(pwd)\""},
       .env_set = {{"A", "1"}},
       .env_unset = {"TOCSIN_SUBPROCESS_TEST_UNSET"},
       .cwd = dir.path()});
  EXPECT_EQ(process.wait_for_exit(10s), 0);
  EXPECT_EQ(process.stdout_text(), "1|gone|" + dir.path().string() + "\n");
  unsetenv("TOCSIN_SUBPROCESS_TEST_UNSET");
}

TEST(Subprocess, TimesOutWhileRunningAndThrowsWhenMissing) {
  Subprocess process({.argv = {"sleep", "30"}});
  EXPECT_EQ(process.wait_for_exit(50ms), std::nullopt);
  EXPECT_THROW(Subprocess({.argv = {"no-such-program-tocsin"}}), std::runtime_error);
}

}  // namespace
}  // namespace tocsin::testing
