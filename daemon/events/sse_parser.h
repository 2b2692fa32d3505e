#pragma once
// Reads a text/event-stream as it arrives, in pieces of any size (the client side of
// sse_format.h, for `tocsin watch` and the tests): lines end in "\n", "\r\n" or "\r"; a
// blank line ends an event; "data" lines join with '\n'; comment lines (": hb") are
// counted; an event with no data is dropped, as the SSE specification says. Pure.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tocsin::events {

struct SseEvent {
  std::string event = "message";  // "snapshot", "change", "state"
  std::string id;                 // empty when the event had no id line
  std::string data;
};

class SseParser {
 public:
  explicit SseParser(std::function<void(SseEvent)> on_event) : on_event_(std::move(on_event)) {}

  void feed(std::string_view bytes);

  uint64_t comments() const { return comments_; }
  // The id of the last event that had one ("" before): what Last-Event-ID sends back.
  const std::string& last_id() const { return last_id_; }

 private:
  void line(std::string_view text);

  std::function<void(SseEvent)> on_event_;
  std::string partial_;  // an unfinished line
  bool after_cr_ = false;  // the previous piece ended in '\r': a '\n' now ends nothing
  SseEvent current_;
  bool has_data_ = false;
  std::string last_id_;
  uint64_t comments_ = 0;
};

}  // namespace tocsin::events
