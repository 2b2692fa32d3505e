#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <utility>
#include <vector>

#include "alerts/preview_text.h"
#include "cli/alert_words.h"
#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/files.h"
#include "cli/table.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "util/columns.h"
#include "util/control_characters.h"
#include "util/text_format_errors.h"

namespace tocsin::cli {
namespace {

// An alert file is protobuf text format of tocsin.Alert (config/alerts/*.textpb); a typo
// in a field name is an error, never a silently missing field. `command` is the one reading
// it: a follow-up's file given to `alert create` (or the reverse) is refused with the command
// that takes it, rather than becoming a half-filled alert.
Alert read_alert_file(const std::string& path, std::string_view command) {
  const std::string text = read_file(path, kMaxAlertFileBytes);
  Alert alert;
  if (auto problem = text_format::parse(text, &alert, "an alert")) {
    throw CommandError(2, problem->position_in(path) + ": " + problem->message);
  }
  if (command == "create" && !alert.target_group().empty()) {
    throw CommandError(2, path +
                              ": this is a follow-up (it names a target_group): send it with "
                              "tocsin alert followup ALERT_ID " +
                              path);
  }
  if (command == "followup" && !alert.audience().empty()) {
    throw CommandError(2, path +
                              ": this is an alert of its own (it names an audience): create it "
                              "with tocsin alert create " +
                              path);
  }
  return alert;
}

// "scheduled for Mon 2026-11-23 06:00" for a scheduled alert, else the state.
std::string state_line(const Alert& alert, const UnionClock& clock) {
  if (alert.state() == SCHEDULED && !alert.send_at().empty()) {
    return state_words(alert.state()) + " for " + clock.at_rfc3339(alert.send_at());
  }
  return state_words(alert.state());
}

// "45 min after sending, to no_answer by SMS" / "at Sun 2027-06-06 05:00, to ...".
std::string wave_line(const Wave& wave, const UnionClock& clock) {
  const std::string when = wave.at().empty()
                               ? std::to_string(wave.delay_minutes()) + " min after sending"
                               : "at " + clock.at_rfc3339(wave.at());
  return when + ", to " + wave.target_group() + " by " + channel_words(wave.channels());
}

void print_next_step(const AlertResponse& response) {
  const std::string& id = response.alert().id();
  if (response.needs_second_approval()) {
    std::cout << "\nnext: another executive approves it:  tocsin alert approve " << id
              << "\n      then:                           tocsin alert send " << id << "\n";
  } else {
    std::cout << "\nnext: tocsin alert send " << id
              << "   (or have it approved first: tocsin alert approve " << id << ")\n";
  }
}

// What `alert create` and `alert followup` print: the headline and state, then the
// preview and the next step (or how to ask for the preview when it was unavailable).
void print_created(const std::string& headline, const AlertResponse& response) {
  std::cout << headline << "  (" << state_words(response.alert().state()) << ")\n\n";
  if (!response.has_preview()) {
    std::cout << "preview unavailable for now: tocsin alert preview " << response.alert().id()
              << "\n";
    return;
  }
  alerts::write_preview(std::cout, response);
  print_next_step(response);
}

// Delivery states in the order a sending goes through them; any other after, by name.
int delivery_order(const std::string& state) {
  static const std::vector<std::string> order = {"sent",      "delivered", "retrying", "failed",
                                                 "opted_out", "expired",   "skipped",  "cancelled"};
  const auto at = std::find(order.begin(), order.end(), state);
  return static_cast<int>(at - order.begin());
}

// Members and messages, each labelled: a member with a phone and an email gets two
// messages, so "172 messages" and "156 members" are both true of one alert.
void add_turnout_rows(const AlertResponse& response, Rows& rows) {
  if (response.frozen_audience() == 0 && response.delivery().empty()) return;
  rows.push_back({"members", std::to_string(response.frozen_audience()) +
                                 " in the audience (frozen when sending started)"});
  rows.push_back({"reached", std::to_string(response.counts().reached()) +
                                 " members (a gateway accepted a message for them)"});
  rows.push_back({"answered yes", std::to_string(response.counts().yes()) + " members"});
  std::vector<std::pair<std::string, int64_t>> states(response.delivery().begin(),
                                                      response.delivery().end());
  std::sort(states.begin(), states.end(), [](const auto& a, const auto& b) {
    return std::pair(delivery_order(a.first), a.first) <
           std::pair(delivery_order(b.first), b.first);
  });
  int64_t messages = 0;
  for (const auto& [state, count] : states) messages += count;
  rows.push_back(
      {"messages", std::to_string(messages) + " to those " +
                       std::to_string(response.frozen_audience()) +
                       " members (an SMS and an email count as two; a shared phone gets one)"});
  for (const auto& [state, count] : states) {
    rows.push_back({"  " + state, std::to_string(count) + (count == 1 ? " message" : " messages")});
  }
}

void print_alert(const AlertResponse& response) {
  const Alert& alert = response.alert();
  const UnionClock clock(response.time_zone());
  Rows rows{
      {"alert", alert.code() + "  (" + alert.id() + ")"},
      {"title", alert.title()},
      {"kind", kind_words(alert.kind())},
      {"times",
       clock.zone_name() == response.time_zone()
           ? "in " + clock.zone_name() + ", the union's time zone"
           : "in UTC (the union's time zone \"" + response.time_zone() + "\" is not known here)"},
      {"state", state_line(alert, clock)},
      {"audience", alert.audience()},
      {"channels", channel_words(alert.channels())},
      {"event time", clock.at_rfc3339(alert.event_time())},
      {"expires at", clock.at_rfc3339(alert.expires_at())},
      {"created", "by " + alert.created_by() + ", " + clock.at_unix(alert.created_at_unix())},
  };
  if (!alert.send_at().empty() && alert.state() != SCHEDULED) {
    rows.push_back({"send at", clock.at_rfc3339(alert.send_at())});
  }
  if (!alert.parent_id().empty()) {
    rows.push_back({alert.wave_index() > 0 ? "wave " + std::to_string(alert.wave_index()) + " of"
                                           : "follow-up of",
                    alert.parent_id() + "  (to " + alert.target_group() + ")"});
  }
  for (int i = 0; i < alert.waves_size(); ++i) {
    rows.push_back({"wave " + std::to_string(i + 1), wave_line(alert.waves(i), clock)});
  }
  if (!alert.approved_by().empty()) rows.push_back({"approved", "by " + alert.approved_by()});
  if (!response.cancelled_by().empty()) {
    rows.push_back({"cancelled", "by " + response.cancelled_by()});
  }
  add_turnout_rows(response, rows);
  print_table(std::cout, rows);
}

// Whether an alert has gone out (its turnout counts mean something).
bool was_sent(const Alert& alert) {
  return alert.state() == SENDING || alert.state() == SENT || alert.state() == CLOSED;
}

void print_list(const AlertListResponse& list) {
  if (list.alerts_size() == 0) {
    std::cout << "no alerts yet\n";
    return;
  }
  const UnionClock clock(list.time_zone());
  std::vector<TextRow> rows{{"code", "state", "kind", "members", "reached", "yes",
                             "created (" + clock.zone_name() + ")", "by", "id", "title"}};
  for (int i = 0; i < list.alerts_size(); ++i) {
    const Alert& alert = list.alerts(i);
    TextRow row{alert.code(), state_words(alert.state()), kind_words(alert.kind())};
    // A cancelled alert may have gone out in part: its counts say how far.
    const bool counted = i < list.counts_size() && list.counts(i).alert_id() == alert.id() &&
                         (was_sent(alert) || list.counts(i).members() > 0);
    for (int64_t value :
         {counted ? list.counts(i).members() : -1, counted ? list.counts(i).reached() : -1,
          counted ? list.counts(i).yes() : -1}) {
      row.push_back(value < 0 ? "-" : std::to_string(value));
    }
    row.insert(row.end(), {clock.at_unix(alert.created_at_unix()), alert.created_by(), alert.id(),
                           alert.title()});
    rows.push_back(std::move(row));
  }
  write_columns(std::cout, rows);
}

// A send refused by the two-person rule: the daemon's reason, then the command that gets
// past it and who may run it (anyone with an officer's token but the creator's).
CommandError needs_approval(const ApiClient& api, const std::string& id, const ApiError& refused) {
  std::string creator;
  try {
    creator =
        parse_reply<AlertResponse>(api.get("/v1/alerts/" + url_escape(id))).alert().created_by();
  } catch (const CommandError&) {
    // The reason and the command still stand without the creator's name.
  }
  const std::string who = creator.empty()
                              ? "an executive or admin who did not create it"
                              : "an executive or admin other than " +
                                    escape_control_characters(creator) + ", who created it";
  return CommandError(1, "not sent: " + refused.error(),
                      "to approve it (" + who + "):\n  tocsin alert approve " + id +
                          "\nthen send it:\n  tocsin alert send " + id + "\n");
}

// approve, send, cancel, close: one POST, one line saying where the alert is now.
void add_transition(CLI::App& alert, const Context& context, const std::string& verb,
                    const std::string& description) {
  auto id = std::make_shared<std::string>();
  auto* command = alert.add_subcommand(verb, description);
  command->add_option("ID", *id, "the alert's id (tocsin alert list)")->required();
  command->callback([&context, id, verb] {
    ApiClient api(context.url, context.token);
    std::string body;
    try {
      body = api.post("/v1/alerts/" + url_escape(*id) + ":" + verb, "{}");
    } catch (const ApiError& refused) {
      if (verb == "send" && refused.status() == 403 && refused.field() == "approved_by") {
        throw needs_approval(api, *id, refused);
      }
      throw;
    }
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const AlertResponse response = parse_reply<AlertResponse>(body);
    const Alert& alert = response.alert();
    const UnionClock clock(response.time_zone());
    std::cout << "alert " << alert.code() << " (" << alert.id() << ") is "
              << state_line(alert, clock);
    if (alert.state() == SCHEDULED) std::cout << " (" << clock.zone_name() << ")";
    if (response.frozen_audience() > 0) {
      std::cout << ": " << response.frozen_audience() << " members";
    }
    std::cout << "\n";
    if (verb == "send") std::cout << "follow it: tocsin alert show " << alert.id() << "\n";
  });
}

}  // namespace

void add_alert_commands(CLI::App& app, const Context& context) {
  auto* alert = app.add_subcommand("alert", "create, preview, approve and send alerts");
  alert->require_subcommand(1);

  auto file = std::make_shared<std::string>();
  auto* create = alert->add_subcommand(
      "create", "create a draft alert from a file (text format, see config/alerts/)");
  create->add_option("FILE", *file, "the alert, e.g. config/alerts/banner-drop.textpb")->required();
  create->callback([&context, file] {
    const Alert draft = read_alert_file(*file, "create");
    ApiClient api(context.url, context.token);
    const std::string body = api.post("/v1/alerts", http::to_json(draft));
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const AlertResponse response = parse_reply<AlertResponse>(body);
    print_created("created alert " + response.alert().id() + "  code " + response.alert().code(),
                  response);
  });

  auto followup_id = std::make_shared<std::string>();
  auto followup_file = std::make_shared<std::string>();
  auto* followup = alert->add_subcommand(
      "followup",
      "a follow-up or correction to a group of a sent alert's members (e.g. a new place)");
  followup->add_option("ID", *followup_id, "the sent alert's id")->required();
  followup
      ->add_option("FILE", *followup_file,
                   "target_group, channels, messages (text format, e.g. "
                   "config/alerts/followup-place-change.textpb)")
      ->required();
  followup->callback([&context, followup_id, followup_file] {
    const Alert request = read_alert_file(*followup_file, "followup");
    ApiClient api(context.url, context.token);
    const std::string body =
        api.post("/v1/alerts/" + url_escape(*followup_id) + "/followups", http::to_json(request));
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const AlertResponse response = parse_reply<AlertResponse>(body);
    print_created("created follow-up " + response.alert().id() + " of alert " +
                      response.alert().code() + " to " + response.alert().target_group(),
                  response);
  });

  auto preview_id = std::make_shared<std::string>();
  auto* preview = alert->add_subcommand(
      "preview", "whom an alert reaches now, its texts, cost and time to finish");
  preview->add_option("ID", *preview_id, "the alert's id")->required();
  preview->callback([&context, preview_id] {
    ApiClient api(context.url, context.token);
    const std::string body = api.get("/v1/alerts/" + url_escape(*preview_id) + "/preview");
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const AlertResponse response = parse_reply<AlertResponse>(body);
    std::cout << "alert " << response.alert().id() << "  code " << response.alert().code() << "  ("
              << state_words(response.alert().state()) << ")\n\n";
    alerts::write_preview(std::cout, response);
  });

  auto show_id = std::make_shared<std::string>();
  auto* show =
      alert->add_subcommand("show", "an alert's state, who made and approved it, delivery");
  show->add_option("ID", *show_id, "the alert's id")->required();
  show->callback([&context, show_id] {
    ApiClient api(context.url, context.token);
    const std::string body = api.get("/v1/alerts/" + url_escape(*show_id));
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    print_alert(parse_reply<AlertResponse>(body));
  });

  auto limit = std::make_shared<int>(50);
  auto* list = alert->add_subcommand("list", "the most recent alerts");
  list->add_option("--limit", *limit, "how many (1 to 1000, default 50)");
  list->callback([&context, limit] {
    ApiClient api(context.url, context.token);
    const std::string body = api.get("/v1/alerts?limit=" + std::to_string(*limit));
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    print_list(parse_reply<AlertListResponse>(body));
  });

  add_transition(*alert, context, "approve",
                 "approve a draft (a second executive, when its audience is large)");
  add_transition(*alert, context, "send", "start sending: freezes the audience, queues messages");
  add_transition(*alert, context, "cancel", "stop an alert: nothing more is sent");
  add_transition(*alert, context, "close", "close a sent alert: replies are no longer taken");
  add_alert_approval_commands(*alert, context);
  add_seat_commands(*alert, context);
}

}  // namespace tocsin::cli
