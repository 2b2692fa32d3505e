#include "tests/support/fakesmsc_output.h"

#include <curl/curl.h>
#include <iconv.h>

#include <cerrno>
#include <memory>
#include <optional>

namespace tocsin::testing {
namespace {

constexpr std::string_view kMarker = "Got message ";
constexpr std::string_view kMoMarker = "fakesmsc: sent message ";

struct Concat {
  int ref = 0;
  int total = 0;
  int seq = 0;
};

// The concatenation element of a user data header: IEI 0 (8-bit reference) or 8 (16-bit).
std::optional<Concat> concat_of(std::string_view udh) {
  if (udh.empty()) return std::nullopt;
  const auto byte = [&udh](size_t i) { return static_cast<unsigned char>(udh[i]); };
  const size_t end = std::min<size_t>(udh.size(), 1 + byte(0));
  for (size_t i = 1; i + 1 < end;) {
    const unsigned char iei = byte(i);
    const size_t length = byte(i + 1);
    if (i + 2 + length > end) break;
    if (iei == 0x00 && length == 3) return Concat{byte(i + 2), byte(i + 3), byte(i + 4)};
    if (iei == 0x08 && length == 4) {
      return Concat{byte(i + 2) * 256 + byte(i + 3), byte(i + 4), byte(i + 5)};
    }
    i += 2 + length;
  }
  return std::nullopt;
}

// Splits off the next space-separated word.
std::string_view next_word(std::string_view* rest) {
  const size_t space = rest->find(' ');
  std::string_view word = rest->substr(0, space);
  rest->remove_prefix(space == std::string_view::npos ? rest->size() : space + 1);
  return word;
}

}  // namespace

std::string url_decode(std::string_view encoded) {
  std::string plus_free(encoded);
  for (char& c : plus_free) {
    if (c == '+') c = ' ';
  }
  int length = 0;
  std::unique_ptr<char, decltype(&curl_free)> out(
      curl_easy_unescape(nullptr, plus_free.data(), static_cast<int>(plus_free.size()), &length),
      &curl_free);
  return out ? std::string(out.get(), static_cast<size_t>(length)) : std::string();
}

std::string utf16be_to_utf8(std::string_view bytes) {
  iconv_t converter = iconv_open("UTF-8", "UTF-16BE");
  if (converter == reinterpret_cast<iconv_t>(-1)) return {};
  std::string out;
  std::string input(bytes);
  char* in = input.data();
  size_t in_left = input.size();
  char buffer[1024];
  while (in_left > 0) {
    char* next = buffer;
    size_t out_left = sizeof buffer;
    const size_t done = iconv(converter, &in, &in_left, &next, &out_left);
    out.append(buffer, static_cast<size_t>(next - buffer));
    if (done == static_cast<size_t>(-1) && errno != E2BIG) {
      out.append("\xEF\xBF\xBD");  // U+FFFD, then past the unit that failed
      const size_t skip = std::min<size_t>(2, in_left);
      in += skip;
      in_left -= skip;
    }
  }
  iconv_close(converter);
  return out;
}

void FakesmscOutput::feed(std::string_view output) {
  pending_.append(output);
  size_t start = 0;
  for (size_t end; (end = pending_.find('\n', start)) != std::string::npos; start = end + 1) {
    read_line(std::string_view(pending_).substr(start, end - start));
  }
  pending_.erase(0, start);
}

void FakesmscOutput::read_line(std::string_view line) {
  if (line.find(kMoMarker) != std::string_view::npos) {
    ++mo_sent_;
    return;
  }
  const size_t marker = line.find(kMarker);
  if (marker == std::string_view::npos) return;  // fakesmsc's other log lines
  const size_t open = line.find(": <", marker);
  if (open == std::string_view::npos || line.back() != '>') {
    ++unreadable_;
    return;
  }
  ++records_;
  read_record(line.substr(open + 3, line.size() - open - 4));
}

void FakesmscOutput::read_record(std::string_view record) {
  std::string_view rest = record;
  const std::string from(next_word(&rest));
  const std::string to(next_word(&rest));
  const std::string_view type = next_word(&rest);
  const bool is_message = type == "text" || type == "ucs-2" || type == "data" || type == "udh";
  if (!is_message || to.empty()) {
    // The rest of a text that had a newline in it.
    if (last_was_text_ && !messages_.empty()) {
      messages_.back().text.append("\n").append(record);
    } else {
      ++unreadable_;
    }
    return;
  }
  last_was_text_ = type == "text";
  if (type == "udh") {
    add_part(from, to, rest);
    return;
  }
  FakesmscMessage message{from, to, std::string(rest), 1, false};
  if (type == "ucs-2") {
    message.text = utf16be_to_utf8(url_decode(rest));
    message.ucs2 = true;
  } else if (type == "data") {
    message.text = url_decode(rest);
  }
  messages_.push_back(std::move(message));
}

void FakesmscOutput::add_part(const std::string& from, const std::string& to,
                              std::string_view rest) {
  const std::string udh = url_decode(next_word(&rest));
  if (next_word(&rest) != "data") {
    ++unreadable_;
    return;
  }
  const std::string payload = url_decode(rest);
  const auto concat = concat_of(udh);
  if (!concat || concat->total < 1 || concat->seq < 1 || concat->seq > concat->total) {
    ++unreadable_;
    return;
  }
  const PartKey key{from, to, concat->ref, concat->total};
  auto& parts = parts_[key];
  parts[concat->seq] = payload;
  if (static_cast<int>(parts.size()) < concat->total) return;

  std::string bytes;
  for (const auto& [seq, part] : parts) bytes += part;
  parts_.erase(key);
  FakesmscMessage message{from, to, {}, concat->total, false};
  // UCS-2 parts of Latin text always hold a NUL high byte; UTF-8 text never does.
  if (bytes.find('\0') != std::string::npos) {
    message.text = utf16be_to_utf8(bytes);
    message.ucs2 = true;
  } else {
    message.text = std::move(bytes);
  }
  messages_.push_back(std::move(message));
}

}  // namespace tocsin::testing
