#pragma once
// A small, separate reader of the emails the SMTP gateway writes, for unit tests: written
// from RFC 5322, 2045-2047 and not from adapters/smtp/mime_message.cpp, so an encoder bug
// shows up as a decoding mismatch rather than being mirrored. (The integration test also
// decodes with Python's email package.)

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tocsin::testing {

struct MailEntity {
  // Header fields in order, folding undone (CRLF before white space removed), values
  // without the space after the colon; encoded-words left as they are.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // everything after the blank line, as is

  // The first field named so (case-insensitively), or "<missing>".
  std::string header(std::string_view name) const;
  size_t count(std::string_view name) const;
};

// Splits at the first empty line (CRLF CRLF).
MailEntity parse_entity(std::string_view text);

// RFC 2047: every "=?charset?B?...?=" / "=?charset?Q?...?=" replaced by its bytes, white
// space between two adjacent encoded-words dropped.
std::string decode_words(std::string_view value);

// RFC 2045 6.7: =XX escapes and "=" CRLF soft line breaks undone; hard line breaks kept
// as CRLF.
std::string decode_quoted_printable(std::string_view text);

std::string decode_base64(std::string_view text);

// The body parts of a multipart entity whose boundary is `boundary`.
std::vector<MailEntity> split_multipart(std::string_view body, std::string_view boundary);

// The boundary parameter of a Content-Type value, quotes removed; empty when none.
std::string boundary_of(std::string_view content_type);

// Line ends as \n: for comparing a decoded body with the text that went in.
std::string with_lf(std::string_view text);

// Lines of text split at CRLF (the last one is what follows the last CRLF).
std::vector<std::string> crlf_lines(std::string_view text);

}  // namespace tocsin::testing
