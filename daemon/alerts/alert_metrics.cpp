#include "alerts/alert_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "alerts/alert_keys.h"
#include "metrics/registry.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::alerts {
namespace {

using metrics::escape_label;

constexpr const char* kReachMeasures[] = {"targeted",  "sent",    "delivered", "failed",
                                          "opted_out", "expired", "skipped"};
constexpr const char* kTallyMeasures[] = {"yes", "no", "maybe", "unknown", "coming", "bus", "car"};
constexpr size_t kRecentAlerts = 50;

int64_t get(const std::map<std::string, int64_t>& totals, const std::string& measure) {
  const auto it = totals.find(measure);
  return it == totals.end() ? 0 : it->second;
}

int64_t to_int(const std::string& text) {
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace

std::string render_alert_figures(const std::vector<AlertFigures>& alerts) {
  if (alerts.empty()) return {};
  std::string out =
      "# HELP tocsin_alert_members Members of an alert sending or sent, by best delivery "
      "state of their channels.\n# TYPE tocsin_alert_members gauge\n";
  for (const auto& alert : alerts) {
    const std::string id = escape_label(alert.alert_id);
    const int64_t targeted = get(alert.totals, "targeted");
    int64_t handled = 0;
    for (const char* measure : kReachMeasures) {
      if (std::string_view(measure) != "targeted") handled += get(alert.totals, measure);
    }
    out +=
        fmt::format("tocsin_alert_members{{alert=\"{}\",state=\"targeted\"}} {}\n", id, targeted);
    out += fmt::format("tocsin_alert_members{{alert=\"{}\",state=\"pending\"}} {}\n", id,
                       std::max<int64_t>(0, targeted - handled));
    for (const char* measure : kReachMeasures) {
      if (std::string_view(measure) == "targeted") continue;
      out += fmt::format("tocsin_alert_members{{alert=\"{}\",state=\"{}\"}} {}\n", id, measure,
                         get(alert.totals, measure));
    }
  }
  out +=
      "# HELP tocsin_alert_replies Members of an alert by answer (unknown: an unclear reply "
      "waiting for a coordinator).\n# TYPE tocsin_alert_replies gauge\n";
  for (const auto& alert : alerts) {
    for (const char* answer : {"yes", "no", "maybe", "unknown"}) {
      out += fmt::format("tocsin_alert_replies{{alert=\"{}\",answer=\"{}\"}} {}\n",
                         escape_label(alert.alert_id), answer, get(alert.totals, answer));
    }
  }
  const std::pair<const char*, const char*> sums[] = {
      {"coming", "tocsin_alert_people_coming People coming (party sizes of the yes summed)."},
      {"bus", "tocsin_alert_bus_seats Bus seats needed."},
      {"car", "tocsin_alert_car_seats Car seats offered."}};
  for (const auto& [measure, help] : sums) {
    const std::string_view name =
        std::string_view(help).substr(0, std::string_view(help).find(' '));
    out += fmt::format("# HELP {}\n# TYPE {} gauge\n", help, name);
    for (const auto& alert : alerts) {
      out += fmt::format("{}{{alert=\"{}\"}} {}\n", name, escape_label(alert.alert_id),
                         get(alert.totals, measure));
    }
  }
  return out;
}

boost::asio::awaitable<std::string> render_alert_metrics(redis::Client& redis) {
  if (!redis.connected()) co_return std::string();
  redis::Command recent{"ZREVRANGE", std::string(keys::kIndex), "0",
                        std::to_string(kRecentAlerts - 1)};
  auto ids = redis::decode<std::vector<std::string>>(co_await redis.exec(std::move(recent)));
  if (!ids || ids->empty()) co_return std::string();
  std::vector<redis::Command> states;
  for (const auto& id : *ids) {
    states.push_back({"HGET", keys::alert(id), std::string(keys::field::kState)});
  }
  auto state_replies = co_await redis.exec_pipeline(std::move(states));
  if (!state_replies || state_replies->size() != ids->size()) co_return std::string();
  std::vector<AlertFigures> alerts;
  std::vector<redis::Command> region_reads;
  for (size_t i = 0; i < ids->size() && alerts.size() < kMaxAlerts; ++i) {
    // A state that does not read (no alert, another type) is neither sending nor sent.
    const auto state = redis::decode<std::string>((*state_replies)[i]);
    if (!state || (*state != keys::state::kSending && *state != keys::state::kSent)) continue;
    alerts.push_back({(*ids)[i], {}});
    region_reads.push_back({"SMEMBERS", keys::regions((*ids)[i])});
  }
  if (alerts.empty()) co_return std::string();
  auto regions = co_await redis.exec_pipeline(std::move(region_reads));
  if (!regions || regions->size() != alerts.size()) co_return std::string();

  // Per alert: one HMGET of reach, one of tally, over "<region>|all|<measure>".
  std::vector<redis::Command> reads;
  std::vector<std::vector<std::string>> measures_of_read;
  for (size_t a = 0; a < alerts.size(); ++a) {
    const std::pair<std::string, const char* const*> hashes[] = {
        {keys::reach(alerts[a].alert_id), kReachMeasures},
        {keys::tally(alerts[a].alert_id), kTallyMeasures}};
    for (const auto& [key, measures] : hashes) {
      redis::Command read{"HMGET", key};
      std::vector<std::string> measure_of_field;
      // Regions that do not read: none, as an empty set.
      const auto alert_regions = redis::decode<std::vector<std::string>>((*regions)[a]);
      for (const auto& region : alert_regions ? *alert_regions : std::vector<std::string>{}) {
        for (size_t m = 0; m < 7; ++m) {
          read.push_back(region + "|all|" + measures[m]);
          measure_of_field.push_back(measures[m]);
        }
      }
      if (measure_of_field.empty()) read.push_back("-|all|targeted");  // HMGET needs a field
      reads.push_back(std::move(read));
      measures_of_read.push_back(std::move(measure_of_field));
    }
  }
  auto values = co_await redis.exec_pipeline(std::move(reads));
  if (!values || values->size() != measures_of_read.size()) co_return std::string();
  for (size_t r = 0; r < values->size(); ++r) {
    auto& totals = alerts[r / 2].totals;
    const auto fields = redis::decode<std::vector<std::optional<std::string>>>((*values)[r]);
    if (!fields) continue;
    for (size_t f = 0; f < measures_of_read[r].size() && f < fields->size(); ++f) {
      if ((*fields)[f]) totals[measures_of_read[r][f]] += to_int(*(*fields)[f]);
    }
  }
  co_return render_alert_figures(alerts);
}

}  // namespace tocsin::alerts
