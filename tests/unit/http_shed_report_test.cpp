#include "http/shed_report.h"

#include <gtest/gtest.h>

namespace tocsin::http {
namespace {

using namespace std::chrono_literals;
const ShedReport::Clock::time_point t0{};

TEST(ShedReport, CountsEachKindForMetrics) {
  ShedReport report(10s, t0);
  report.count(Shed::header_timeout, "a");
  report.count(Shed::evicted, "a");
  report.count(Shed::evicted, "b");
  report.count(Shed::refused_client, "a");
  report.count(Shed::refused_full, "c");
  EXPECT_EQ(report.totals().header_timeouts, 1u);
  EXPECT_EQ(report.totals().evicted, 2u);
  EXPECT_EQ(report.totals().refused_client, 1u);
  EXPECT_EQ(report.totals().refused_full, 1u);
}

TEST(ShedReport, OneLinePerPeriodHoweverManyAreShed) {
  ShedReport report(10s, t0);
  for (int i = 0; i < 1000; ++i) report.count(Shed::refused_client, "192.0.2.1");
  for (int i = 0; i < 300; ++i) report.count(Shed::evicted, "192.0.2." + std::to_string(i % 30));
  EXPECT_FALSE(report.due(t0 + 9s)) << "not before the period is over";
  const auto line = report.due(t0 + 10s);
  ASSERT_TRUE(line);
  EXPECT_EQ(*line,
            "event=http_connections_shed seconds=10 header_timeouts=0 evicted=300 "
            "refused_client=1000 refused_full=0 clients=30 top_client=192.0.2.1 "
            "top_client_shed=1010");
  EXPECT_FALSE(report.due(t0 + 11s));
  EXPECT_FALSE(report.due(t0 + 25s)) << "nothing shed since the last line";
  // The totals for /metrics go on.
  EXPECT_EQ(report.totals().refused_client, 1000u);
}

TEST(ShedReport, NextLineCoversOnlyItsOwnPeriod) {
  ShedReport report(10s, t0);
  report.count(Shed::header_timeout, "198.51.100.4");
  ASSERT_TRUE(report.due(t0 + 10s));
  EXPECT_FALSE(report.due(t0 + 21s));  // a quiet period
  report.count(Shed::refused_full, "198.51.100.5");
  EXPECT_FALSE(report.due(t0 + 29s));
  EXPECT_EQ(report.due(t0 + 31s),
            "event=http_connections_shed seconds=10 header_timeouts=0 evicted=0 refused_client=0 "
            "refused_full=1 clients=1 top_client=198.51.100.5 top_client_shed=1");
}

TEST(ShedReport, TalliesABoundedNumberOfAddresses) {
  ShedReport report(1s, t0);
  for (size_t i = 0; i < ShedReport::kMaxClients + 100; ++i) {
    report.count(Shed::evicted, "client-" + std::to_string(i));
  }
  const auto line = report.due(t0 + 1s);
  ASSERT_TRUE(line);
  EXPECT_NE(line->find("evicted=" + std::to_string(ShedReport::kMaxClients + 100)),
            std::string::npos);
  EXPECT_NE(line->find("clients=" + std::to_string(ShedReport::kMaxClients) + " "),
            std::string::npos)
      << *line;
}

}  // namespace
}  // namespace tocsin::http
