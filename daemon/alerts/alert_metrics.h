#pragma once
// Per-alert series for /metrics (issue 7, point 6): for the alerts that are sending or sent
// (not closed, not cancelled), at most kMaxAlerts of the most recently created, the members
// in each delivery state and the replies by answer, summed over regions from the alert's
// turnout fields (alert:{id}:reach, alert:{id}:tally):
//
//   tocsin_alert_members{alert="ID",state="targeted|pending|sent|delivered|failed|
//                        opted_out|expired|skipped"}   members (per member, best channel;
//                        "sent" = accepted, no receipt yet; the states after targeted sum
//                        to it)
//   tocsin_alert_replies{alert="ID",answer="yes|no|maybe|unknown"}
//   tocsin_alert_people_coming{alert="ID"}, tocsin_alert_bus_seats{alert="ID"},
//   tocsin_alert_car_seats{alert="ID"}
//
// A scrape reads a bounded amount: the states of the 50 latest alerts, then per kept alert
// its regions (alert:{id}:regions) and one HMGET of the "<region>|all|<measure>" fields of
// each hash, in three pipelines. Nothing is rendered when Redis fails.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tocsin::redis {
class Client;
}

namespace tocsin::alerts {

inline constexpr size_t kMaxAlerts = 20;

struct AlertFigures {
  std::string alert_id;
  std::map<std::string, int64_t> totals;  // measure -> sum over regions
};

// The exposition text of these figures (families with HELP and TYPE once). Pure.
std::string render_alert_figures(const std::vector<AlertFigures>& alerts);

boost::asio::awaitable<std::string> render_alert_metrics(redis::Client& redis);

}  // namespace tocsin::alerts
