// The job writer's decision after each send_jobs.lua reply (dispatch/job_writer.h): call
// again, pause (budget spent), done or dropped.

#include <gtest/gtest.h>

#include "dispatch/job_writer.h"

namespace tocsin::dispatch {
namespace {

using std::chrono::milliseconds;

TEST(DispatchJobWriter, CallsAgainWhileJobsAreLeft) {
  EXPECT_EQ(next_step({"queued", 20, 5}, milliseconds(10), milliseconds(0)),
            WriterStep::call_again);
  EXPECT_EQ(next_step({"queued", 20, 5}, milliseconds(10), milliseconds(1000)),
            WriterStep::call_again);
}

TEST(DispatchJobWriter, PausesWhenItsBudgetIsSpentWithJobsLeft) {
  EXPECT_EQ(next_step({"queued", 20, 5}, milliseconds(1000), milliseconds(1000)),
            WriterStep::pause);
  // No budget: never pauses.
  EXPECT_EQ(next_step({"queued", 20, 5}, milliseconds(60000), milliseconds(0)),
            WriterStep::call_again);
}

TEST(DispatchJobWriter, StopsWhenDoneOrDropped) {
  EXPECT_EQ(next_step({"done", 3, 0}, milliseconds(5000), milliseconds(1000)), WriterStep::done);
  EXPECT_EQ(next_step({"dropped", 0, 12}, milliseconds(0), milliseconds(0)), WriterStep::dropped);
  // An unknown answer never loops.
  EXPECT_EQ(next_step({"?", 0, 3}, milliseconds(0), milliseconds(0)), WriterStep::done);
}

}  // namespace
}  // namespace tocsin::dispatch
