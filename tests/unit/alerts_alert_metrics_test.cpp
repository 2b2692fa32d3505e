#include "alerts/alert_metrics.h"

#include <gtest/gtest.h>

namespace tocsin::alerts {
namespace {

TEST(MetricsAlertMetrics, EachAlertHasItsMembersByStateAndItsReplies) {
  const std::vector<AlertFigures> alerts = {{"a1",
                                             {{"targeted", 10},
                                              {"sent", 2},
                                              {"delivered", 5},
                                              {"failed", 1},
                                              {"yes", 4},
                                              {"unknown", 1},
                                              {"coming", 6},
                                              {"bus", 3}}},
                                            {"a\"2", {}}};
  const std::string text = render_alert_figures(alerts);
  for (const char* line :
       {"# TYPE tocsin_alert_members gauge\n",
        "tocsin_alert_members{alert=\"a1\",state=\"targeted\"} 10\n",
        "tocsin_alert_members{alert=\"a1\",state=\"pending\"} 2\n",
        "tocsin_alert_members{alert=\"a1\",state=\"delivered\"} 5\n",
        "tocsin_alert_members{alert=\"a1\",state=\"opted_out\"} 0\n",
        "tocsin_alert_replies{alert=\"a1\",answer=\"yes\"} 4\n",
        "tocsin_alert_replies{alert=\"a1\",answer=\"unknown\"} 1\n",
        "tocsin_alert_people_coming{alert=\"a1\"} 6\n", "tocsin_alert_bus_seats{alert=\"a1\"} 3\n",
        "tocsin_alert_car_seats{alert=\"a1\"} 0\n",
        "tocsin_alert_members{alert=\"a\\\"2\",state=\"targeted\"} 0\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " not in\n" << text;
  }
  // HELP and TYPE once per family.
  EXPECT_EQ(text.find("# TYPE tocsin_alert_members"), text.rfind("# TYPE tocsin_alert_members"));
}

TEST(MetricsAlertMetrics, NoAlertNoSeries) {
  EXPECT_EQ(render_alert_figures({}), "");
}

}  // namespace
}  // namespace tocsin::alerts
