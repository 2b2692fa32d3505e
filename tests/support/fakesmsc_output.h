#pragma once
// Reads what Kannel's fakesmsc prints for each message the gateway delivers to it, back
// into whole messages. fakesmsc logs every line its fake SMS centre sends as
//
//   2026-05-01 12:00:00 [pid] [0] DEBUG: Got message N: <FROM TO TYPE PAYLOAD>
//
// with, as Debian's Kannel 1.4.5 writes them (gw/smsc/smsc_fake.c):
//   text  PAYLOAD   the text as is, UTF-8 (GSM-7 coded messages)
//   ucs-2 PAYLOAD   URL-encoded UTF-16BE, '+' for a space (UCS-2 coded messages)
//   data  PAYLOAD   URL-encoded 8-bit data
//   udh UDH data PAYLOAD   one part of a concatenated message: URL-encoded user data
//                  header and URL-encoded part, whatever the coding.
//
// Two things the protocol loses, and how they are recovered:
// - the parts of a concatenated message do not say their coding: a reassembled payload
//   with a NUL byte is taken as UTF-16BE (any Latin text in UCS-2 has one), else UTF-8;
// - a newline in a `text` message ends the protocol line, so the rest arrives as further
//   "Got message" records that are not "FROM TO TYPE ...": those are joined back to the
//   previous text with '\n'. A text line that itself reads "A B text ..." cannot be told
//   apart; no test text should look like that.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace tocsin::testing {

struct FakesmscMessage {
  std::string from;
  std::string to;
  std::string text;   // UTF-8
  int segments = 1;   // parts it came in
  bool ucs2 = false;  // it arrived UTF-16 coded
};

class FakesmscOutput {
 public:
  // Appends output; each complete line is read.
  void feed(std::string_view output);

  // Whole messages, in the order their last part arrived.
  const std::vector<FakesmscMessage>& messages() const { return messages_; }
  // "Got message" records seen: SMS segments, plus continuation lines of split texts.
  size_t records() const { return records_; }
  // Records that were neither a message, a part nor a continuation (should stay 0).
  size_t unreadable() const { return unreadable_; }
  // Mobile-originated messages fakesmsc says it sent ("fakesmsc: sent message N").
  size_t mo_sent() const { return mo_sent_; }

 private:
  using PartKey = std::tuple<std::string, std::string, int, int>;  // from, to, ref, total

  void read_line(std::string_view line);
  void read_record(std::string_view record);
  void add_part(const std::string& from, const std::string& to, std::string_view rest);

  std::string pending_;  // an incomplete last line
  std::vector<FakesmscMessage> messages_;
  std::map<PartKey, std::map<int, std::string>> parts_;  // seq -> payload bytes
  bool last_was_text_ = false;
  size_t records_ = 0;
  size_t unreadable_ = 0;
  size_t mo_sent_ = 0;
};

// Decodes a URL-encoded payload as Kannel writes it ('+' is a space).
std::string url_decode(std::string_view encoded);
// UTF-16BE bytes to UTF-8 (iconv); invalid input yields U+FFFD where it fails.
std::string utf16be_to_utf8(std::string_view bytes);

}  // namespace tocsin::testing
