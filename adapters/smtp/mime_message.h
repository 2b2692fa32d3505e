#pragma once
// The email itself: an RFC 5322 / MIME message built from plain strings, pure and
// deterministic, so the SMTP gateway only chooses values and the tests decode the result.
//
// - Non-ASCII header text becomes RFC 2047 encoded-words (=?UTF-8?B?...?=) of at most 75
//   characters, cut between UTF-8 characters, each line of the header at most 76.
// - Bodies are quoted-printable: French stays readable in the raw message, every line stays
//   under 77 characters whatever the text (SMTP's limit is 998), and the output is 7-bit.
// - Lines end in CRLF everywhere. A body line starting with "." is left alone: libcurl
//   dot-stuffs the message as it sends DATA (tests/integration/io_smtp_test.cpp).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::adapters::mime {

// "Syndicat <mobilisation@syndicat.qc.ca>", "\"Local 12, Estrie\" <a@b.ca>" or a bare
// "a@b.ca".
struct Mailbox {
  std::string display_name;  // UTF-8, unquoted; empty for a bare address
  std::string address;
};

// True for the addresses we can put in a header and an SMTP command as they are: a
// dot-atom local part and a domain with a dot (members::normalize_email's syntax, without
// its lowercasing). Anything else, including spaces and line breaks, is false. On false,
// *error (when given) says why without repeating the address.
bool is_valid_address(std::string_view address, std::string* error = nullptr);

// Reads a mailbox as written in the config. nullopt when the address is not valid (see
// is_valid_address) or the angle brackets or quotes do not close; *error says why.
std::optional<Mailbox> parse_mailbox(std::string_view text, std::string* error = nullptr);

// `text` cut into RFC 2047 "B" encoded-words in UTF-8: the first at most first_max
// characters long, the others at most 75, each holding whole UTF-8 characters (a byte that
// starts no valid character counts as one). Empty text gives no word.
std::vector<std::string> encoded_words(std::string_view text, size_t first_max = 75);

// One header field, "Name: value" with CRLF, folded before spaces so that lines stay within
// 76 characters where the words allow. Control characters and runs of white space in the
// value become one space (a header is one logical line: no value can add a header of its
// own). Non-ASCII text, or text that already looks like an encoded-word, is sent as
// encoded-words.
std::string unstructured_header(std::string_view name, std::string_view value);

// "From: " + the mailbox with its display name as an RFC 5322 phrase: as is when made of
// plain words, a quoted-string when it holds specials, encoded-words when not ASCII.
std::string mailbox_header(std::string_view name, const Mailbox& mailbox);

// A header whose value is a list of items that must not be broken (angle-bracketed URIs),
// joined with ", " and folded between items.
std::string list_header(std::string_view name, const std::vector<std::string>& items);

// Quoted-printable (RFC 2045 6.7) with CRLF hard line breaks: \n, \r\n and a lone \r in
// `text` are all line ends. Encoded lines are at most 76 characters; "=" and bytes outside
// printable ASCII are =XX, as are white space before a line end and the "F" of a line
// starting with "From " (mbox stores would otherwise turn it into ">From ").
std::string quoted_printable(std::string_view text);

// The HTML alternative of a plain-text email: HTML-escaped, a paragraph per block of lines
// separated by blank lines, <br> between the lines of a block, http(s) URLs made into
// links, the language in <html lang>, the title in <title>, a narrow readable column.
std::string html_from_text(std::string_view text, std::string_view language,
                           std::string_view title);

// "Tue, 07 Jan 2025 14:03:09 +0000" (RFC 5322 3.3, in UTC, English names whatever the
// locale).
std::string rfc5322_date(std::chrono::system_clock::time_point when);

// True for a language tag we can put in Content-Language and <html lang> ("fr", "en-CA").
bool is_language_tag(std::string_view tag);

// Everything a message is made of. Header values are UTF-8.
struct MessageParts {
  Mailbox from;
  std::string to;          // a valid address (is_valid_address)
  std::string subject;     // UTF-8
  std::string date;        // rfc5322_date()
  std::string message_id;  // without angle brackets: "id@domain"
  std::string language;    // Content-Language when a language tag, else left out
  // Further header fields, whole and with their CRLF (from list_header(),
  // unstructured_header()...), emitted in order after the standard ones.
  std::vector<std::string> extra_headers;
  std::string text;  // the text/plain alternative, UTF-8
  std::string html;  // the text/html alternative, UTF-8, a whole document
  // Delimits the two alternatives. It must not occur in either encoded body: one that
  // starts with "=_" never does, since quoted-printable writes "=" only before two hex
  // digits or a line end.
  std::string boundary;
};

// The whole message: headers, then a multipart/alternative body with the plain part
// first (the one a mail client shows last-resort) and the HTML part second (preferred).
std::string build_message(const MessageParts& parts);

}  // namespace tocsin::adapters::mime
