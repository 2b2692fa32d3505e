#include "events/sse_parser.h"

#include <algorithm>

namespace tocsin::events {

void SseParser::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    if (after_cr_ && bytes.front() == '\n') bytes.remove_prefix(1);  // the rest of a "\r\n"
    after_cr_ = false;
    const auto end = std::find_if(bytes.begin(), bytes.end(),
                                  [](char c) { return c == '\n' || c == '\r'; });
    const size_t length = static_cast<size_t>(end - bytes.begin());
    if (end == bytes.end()) {
      partial_.append(bytes);  // the line goes on in the next piece
      return;
    }
    after_cr_ = *end == '\r';
    if (partial_.empty()) {
      line(bytes.substr(0, length));
    } else {
      partial_.append(bytes.substr(0, length));
      line(partial_);
      partial_.clear();
    }
    bytes.remove_prefix(length + 1);
  }
}

void SseParser::line(std::string_view text) {
  if (text.empty()) {
    if (has_data_) {
      if (!current_.id.empty()) last_id_ = current_.id;
      on_event_(std::move(current_));
    }
    current_ = SseEvent{};
    has_data_ = false;
    return;
  }
  if (text.front() == ':') {
    ++comments_;
    return;
  }
  const size_t colon = text.find(':');
  std::string_view name = text.substr(0, colon);
  std::string_view value =
      colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (name == "event") {
    current_.event = std::string(value);
  } else if (name == "data") {
    if (has_data_) current_.data += '\n';
    current_.data += value;
    has_data_ = true;
  } else if (name == "id") {
    current_.id = std::string(value);
  }
}

}  // namespace tocsin::events
