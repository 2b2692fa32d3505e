// tocsin watch ID [--region R] [--updates N]: the alert's turnout as a live table. It
// reads GET /v1/alerts/{id}/events (Server-Sent Events) with libcurl, keeps the snapshot's
// turnout and applies each change's raw fields to it with the daemon's own model
// (turnout::apply_changes), and draws the table again: in place on a terminal (cursor home,
// clear), one block per update otherwise (a pipe, a log), within the terminal's width
// ($COLUMNS, else TIOCGWINSZ; the narrow layout of turnout_table.h when the wide one would
// wrap). After a drop it reconnects with Last-Event-ID and gets exactly the changes it missed.
// A target or quorum reached (a milestone event) is a line of its own under the table:
// "Quorum reached: region Montérégie, 30 present of 30".

#include <curl/curl.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/turnout_table.h"
#include "events/sse_parser.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "turnout/turnout_model.h"

namespace tocsin::cli {
namespace {

using Clock = std::chrono::steady_clock;

// The columns the table may take: $COLUMNS when set (as ls and others read it), else the
// terminal's width, else 0 (a pipe or a file: no limit). Read at each draw, as a terminal
// may be resized while it watches.
size_t output_width() {
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr && *columns != '\0') {
    char* end = nullptr;
    const long value = std::strtol(columns, &end, 10);
    if (*end == '\0' && value > 0 && value < 10000) return static_cast<size_t>(value);
  }
  winsize size{};
  if (isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0) {
    return size.ws_col;
  }
  return 0;
}

std::optional<google::protobuf::Struct> parse_object(const std::string& json) {
  google::protobuf::Struct object;
  if (!google::protobuf::util::JsonStringToMessage(json, &object).ok()) return std::nullopt;
  return object;
}

// "Target reached: region Montérégie, 31 yes of 30" / "Quorum reached: local L-301, 30
// present of 30".
std::string milestone_line(const google::protobuf::Struct& milestone) {
  const auto& f = milestone.fields();
  const auto text = [&](const char* name) {
    auto it = f.find(name);
    return it == f.end() ? std::string() : it->second.string_value();
  };
  const auto number = [&](const char* name) {
    auto it = f.find(name);
    return it == f.end() ? 0 : static_cast<int64_t>(it->second.number_value());
  };
  const bool quorum = text("kind") == "quorum";
  return std::string(quorum ? "Quorum reached: " : "Target reached: ") + text("dimension") + " " +
         text("value") + ", " + std::to_string(number("count")) + (quorum ? " present" : " yes") +
         " of " + std::to_string(number("goal"));
}

// The table's state, fed by the stream's events.
class Watch {
 public:
  Watch(bool terminal, int max_updates) : terminal_(terminal), max_updates_(max_updates) {}

  void on_event(const events::SseEvent& event) {
    if (event.event == "snapshot") {
      TurnoutResponse snapshot;
      std::string error;
      if (!http::from_json(event.data, &snapshot, &error)) {
        throw CommandError(1, "unexpected snapshot from the daemon: " + error);
      }
      turnout_ = std::move(snapshot);
      updated_at_ms_ = static_cast<int64_t>(turnout_->updated_at_ms());
    } else if (event.event == "change" && turnout_) {
      const auto change = parse_object(event.data);
      if (!change) return;
      turnout::RawFields fields;
      const auto& all = change->fields();
      if (auto it = all.find("fields"); it != all.end()) {
        for (const auto& [name, value] : it->second.struct_value().fields()) {
          fields[name] = static_cast<int64_t>(value.number_value());
        }
      }
      if (auto at = all.find("at_ms"); at != all.end()) {
        updated_at_ms_ = static_cast<int64_t>(at->second.number_value());
      }
      *turnout_ = turnout::apply_changes(*turnout_, fields);
    } else if (event.event == "milestone") {
      const auto milestone = parse_object(event.data);
      if (!milestone) return;
      milestones_.push_back(milestone_line(*milestone));
      // Not on a terminal the table is not drawn again: the line goes out by itself.
      if (!terminal_ || !turnout_) {
        std::cout << milestones_.back() << "\n" << std::flush;
        return;
      }
    } else if (event.event == "state" && turnout_) {
      const auto state = parse_object(event.data);
      if (!state) return;
      if (auto it = state->fields().find("state"); it != state->fields().end()) {
        turnout_->mutable_alert()->set_state(it->second.string_value());
      }
    } else {
      return;
    }
    draw(true);
  }

  // Redraws with "(reconnecting...)" while the stream is down.
  void disconnected() {
    if (turnout_) draw(false);
  }

  bool done() const { return max_updates_ > 0 && updates_ >= max_updates_; }

 private:
  void draw(bool connected) {
    std::ostringstream text;
    // Cursor home and clear screen: the table redraws in place instead of scrolling.
    if (terminal_) text << "\x1b[H\x1b[2J";
    print_turnout_table(text, *turnout_, updated_at_ms_, connected, output_width());
    if (terminal_) {
      for (const std::string& line : milestones_) text << line << "\n";
    }
    if (!terminal_) text << "\n";
    std::cout << text.str() << std::flush;
    if (connected) ++updates_;
  }

  bool terminal_;
  int max_updates_;
  int updates_ = 0;
  std::optional<TurnoutResponse> turnout_;
  int64_t updated_at_ms_ = 0;
  std::vector<std::string> milestones_;  // as told, oldest first
};

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// One connection to the stream, read until it ends.
struct Connection {
  Watch* watch = nullptr;
  events::SseParser* parser = nullptr;
  CURL* curl = nullptr;
  long status = 0;
  std::string error_body;  // the answer when it is not 200
  std::exception_ptr failure;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* connection = static_cast<Connection*>(user);
  const size_t bytes = size * count;
  curl_easy_getinfo(connection->curl, CURLINFO_RESPONSE_CODE, &connection->status);
  if (connection->status != 200) {
    connection->error_body.append(data, bytes);
    return bytes;
  }
  try {
    connection->parser->feed(std::string_view(data, bytes));
  } catch (...) {
    connection->failure = std::current_exception();
    return 0;  // stops the transfer
  }
  return connection->watch->done() ? 0 : bytes;
}

// The daemon's refusal, as ApiClient words it; nullopt for what is worth retrying.
std::optional<CommandError> refusal(long status, const std::string& body) {
  ErrorResponse error;
  std::string ignored;
  std::string details = body;
  if (http::from_json(body, &error, &ignored) && !error.error().empty()) {
    details = error.field().empty() ? error.error() : error.field() + ": " + error.error();
  }
  switch (status) {
    case 401:
      return CommandError(1, "the daemon refused the token: " + details +
                                 " (set TOCSIN_TOKEN or --token)");
    case 403:
      return CommandError(1, "not allowed: " + details);
    case 400:
    case 404:
      return CommandError(2, details);
    default:
      if (status >= 400 && status < 500) {
        return CommandError(1, "the daemon answered " + std::to_string(status) + ": " + details);
      }
      return std::nullopt;  // 5xx: Redis away, a restart... try again
  }
}

void watch(const Context& context, const std::string& id, const std::string& region,
           int max_updates) {
  Watch table(isatty(STDOUT_FILENO) == 1, max_updates);
  std::string last_id;
  std::string url = context.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/v1/alerts/" + url_escape(id) + "/events";
  if (!region.empty()) url += "?region=" + url_escape(region);

  bool ever_connected = false;
  auto delay = std::chrono::milliseconds(500);
  for (;;) {
    events::SseParser parser([&](events::SseEvent event) { table.on_event(event); });
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) throw CommandError(1, "cannot initialise libcurl");
    curl_slist* raw = curl_slist_append(nullptr, "Accept: text/event-stream");
    if (!context.token.empty()) {
      raw = curl_slist_append(raw, ("Authorization: Bearer " + context.token).c_str());
    }
    // Where the last connection left off: the daemon sends only what came after.
    if (!last_id.empty()) raw = curl_slist_append(raw, ("Last-Event-ID: " + last_id).c_str());
    std::unique_ptr<curl_slist, CurlDeleter> headers(raw);
    Connection connection{&table, &parser, curl.get()};
    char error_buffer[CURL_ERROR_SIZE] = {};
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &connection);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    // A stream that stays silent past a few heartbeats is a dead connection: start over.
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
    const CURLcode rc = curl_easy_perform(h);
    if (connection.failure) std::rethrow_exception(connection.failure);
    if (table.done()) return;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &connection.status);
    if (connection.status != 0 && connection.status != 200) {
      if (auto refused = refusal(connection.status, connection.error_body)) throw *refused;
    }
    if (!parser.last_id().empty()) last_id = parser.last_id();
    if (connection.status == 200) {
      ever_connected = true;
      delay = std::chrono::milliseconds(500);
    } else if (!ever_connected) {
      // Never reached it: say so rather than wait forever on a wrong URL.
      throw CommandError(1, "cannot reach the daemon at " + context.url + ": " +
                                (rc != CURLE_OK ? (error_buffer[0] ? error_buffer
                                                                   : curl_easy_strerror(rc))
                                                : "status " + std::to_string(connection.status)) +
                                " (is tocsind running? set TOCSIN_URL or --url)");
    }
    table.disconnected();
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace

void add_watch_command(CLI::App& app, const Context& context) {
  auto* command = app.add_subcommand("watch", "live turnout table of an alert (Ctrl-C to stop)");
  auto id = std::make_shared<std::string>();
  auto region = std::make_shared<std::string>();
  auto updates = std::make_shared<int>(0);
  command->add_option("ID", *id, "the alert's id (tocsin alert list)")->required();
  command->add_option("--region", *region, "only this region (display or folded name)");
  command->add_option("--updates", *updates, "stop after drawing this many updates");
  command->callback([&context, id, region, updates] { watch(context, *id, *region, *updates); });
}

}  // namespace tocsin::cli
