#include <CLI/CLI.hpp>

#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>

#include "alerts/local_time.h"
#include "alerts/preview_text.h"
#include "alerts/rfc3339.h"
#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/files.h"
#include "cli/table.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "util/columns.h"
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

std::string utc_time(int64_t unix_seconds) {
  if (unix_seconds == 0) return "";
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
  return buffer;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string state_of(const Alert& alert) {
  return lower(AlertState_Name(alert.state()));
}

// send_at in the reader's own time zone ("Mon 2026-11-23 06:00 EST"): whoever checks a
// scheduled call reads it on their clock. The RFC 3339 text when it does not parse.
std::string local_time(const std::string& rfc3339) {
  const auto when = alerts::parse_rfc3339(rfc3339);
  if (!when) return rfc3339;
  return alerts::format_in_local_zone(*when, "%a %Y-%m-%d %H:%M %Z");
}

// "scheduled for Mon 2026-11-23 06:00 EST" for a scheduled alert, else the state.
std::string state_line(const Alert& alert) {
  if (alert.state() == SCHEDULED && !alert.send_at().empty()) {
    return state_of(alert) + " for " + local_time(alert.send_at());
  }
  return state_of(alert);
}

// "45 min after sending, to no_answer by sms" / "at Sun 2027-06-06 05:00 EDT, to ...".
std::string wave_line(const Wave& wave) {
  const std::string when = wave.at().empty()
                               ? std::to_string(wave.delay_minutes()) + " min after sending"
                               : "at " + local_time(wave.at());
  return when + ", to " + wave.target_group() + " by " + lower(Channel_Name(wave.channels()));
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
  std::cout << headline << "  (" << state_of(response.alert()) << ")\n\n";
  if (!response.has_preview()) {
    std::cout << "preview unavailable for now: tocsin alert preview " << response.alert().id()
              << "\n";
    return;
  }
  alerts::write_preview(std::cout, response);
  print_next_step(response);
}

void print_alert(const AlertResponse& response) {
  const Alert& alert = response.alert();
  Rows rows{
      {"alert", alert.code() + "  (" + alert.id() + ")"},
      {"title", alert.title()},
      {"kind", lower(AlertKind_Name(alert.kind()))},
      {"state", state_line(alert)},
      {"audience", alert.audience()},
      {"channels", lower(Channel_Name(alert.channels()))},
      {"event time", alert.event_time()},
      {"expires at", alert.expires_at()},
      {"created", "by " + alert.created_by() + ", " + utc_time(alert.created_at_unix())},
  };
  if (!alert.send_at().empty() && alert.state() != SCHEDULED) {
    rows.push_back({"send at", local_time(alert.send_at())});
  }
  if (!alert.parent_id().empty()) {
    rows.push_back({alert.wave_index() > 0 ? "wave " + std::to_string(alert.wave_index()) + " of"
                                           : "follow-up of",
                    alert.parent_id() + "  (to " + alert.target_group() + ")"});
  }
  for (int i = 0; i < alert.waves_size(); ++i) {
    rows.push_back({"wave " + std::to_string(i + 1), wave_line(alert.waves(i))});
  }
  if (!alert.approved_by().empty()) rows.push_back({"approved", "by " + alert.approved_by()});
  if (!response.cancelled_by().empty()) {
    rows.push_back({"cancelled", "by " + response.cancelled_by()});
  }
  if (response.frozen_audience() > 0) {
    rows.push_back({"frozen audience", std::to_string(response.frozen_audience()) + " members"});
  }
  for (const auto& [state, count] : response.delivery()) {
    rows.push_back({"delivery: " + state, std::to_string(count)});
  }
  print_table(std::cout, rows);
}

void print_list(const AlertListResponse& list) {
  if (list.alerts_size() == 0) {
    std::cout << "no alerts yet\n";
    return;
  }
  std::vector<TextRow> rows{{"code", "state", "kind", "created", "by", "id", "title"}};
  for (const Alert& alert : list.alerts()) {
    rows.push_back({alert.code(), state_of(alert), lower(AlertKind_Name(alert.kind())),
                    utc_time(alert.created_at_unix()), alert.created_by(), alert.id(),
                    alert.title()});
  }
  write_columns(std::cout, rows);
}

// approve, send, cancel, close: one POST, one line saying where the alert is now.
void add_transition(CLI::App& alert, const Context& context, const std::string& verb,
                    const std::string& description) {
  auto id = std::make_shared<std::string>();
  auto* command = alert.add_subcommand(verb, description);
  command->add_option("ID", *id, "the alert's id (tocsin alert list)")->required();
  command->callback([&context, id, verb] {
    ApiClient api(context.url, context.token);
    const std::string body = api.post("/v1/alerts/" + url_escape(*id) + ":" + verb, "{}");
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const AlertResponse response = parse_reply<AlertResponse>(body);
    const Alert& alert = response.alert();
    std::cout << "alert " << alert.code() << " (" << alert.id() << ") is " << state_line(alert);
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
              << state_of(response.alert()) << ")\n\n";
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
}

}  // namespace tocsin::cli
