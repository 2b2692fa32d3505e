#include "adapters/smtp/mime_message.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <ctime>

#include "members/phone.h"
#include "util/utf8.h"

namespace tocsin::adapters::mime {
namespace {

constexpr std::string_view kCrlf = "\r\n";
// RFC 2047 caps a line holding encoded-words at 76 characters; plain folded headers get
// the same, within RFC 5322's recommended 78.
constexpr size_t kLineLimit = 76;
// RFC 5322's hard limit without the CRLF: beyond it a server may cut or refuse the line.
constexpr size_t kHardLineLimit = 998;
constexpr size_t kEncodedWordMax = 75;
constexpr std::string_view kWordOpen = "=?UTF-8?B?";
constexpr std::string_view kWordClose = "?=";

bool is_space(unsigned char c) {
  return c == ' ' || c == '\t';
}
bool is_control(unsigned char c) {
  return c < 0x20 || c == 0x7f;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(length));
  return out;
}

// Bytes of text an encoded-word of at most `max` characters holds: base64 turns each 3
// bytes into 4 characters, around 12 characters of "=?UTF-8?B?" and "?=".
size_t word_capacity(size_t max) {
  const size_t overhead = kWordOpen.size() + kWordClose.size();
  return max < overhead + 4 ? 0 : (max - overhead) / 4 * 3;
}

// Control characters and runs of white space become one space; no leading or trailing
// space. What is left can never end a header line early.
std::string one_line(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (is_space(byte) || is_control(byte)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Plain text a decoder would take for an encoded-word must be encoded itself.
bool needs_encoding(std::string_view text) {
  return !is_ascii(text) || text.find("=?") != std::string_view::npos;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) words.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// "Name:" then the atoms separated by single spaces, a line break before an atom that
// would pass the line limit (never before the first: that line would hold the name alone).
std::string fold(std::string_view name, const std::vector<std::string>& atoms) {
  std::string out(name);
  out.push_back(':');
  size_t column = out.size();
  for (size_t i = 0; i < atoms.size(); ++i) {
    if (i > 0 && column + 1 + atoms[i].size() > kLineLimit) {
      out.append(kCrlf);
      column = 0;
    }
    out.push_back(' ');
    out.append(atoms[i]);
    column += 1 + atoms[i].size();
  }
  out.append(kCrlf);
  return out;
}

bool has_line_over_hard_limit(std::string_view header) {
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(kCrlf, start);
    if (end == std::string_view::npos) end = header.size();
    if (end - start > kHardLineLimit) return true;
    start = end + kCrlf.size();
  }
  return false;
}

// The encoded-words of a header's value when they start right after "Name: ".
std::vector<std::string> words_after(std::string_view name, std::string_view text) {
  const size_t used = name.size() + 2;
  return encoded_words(text, used < kLineLimit ? kLineLimit - used : 0);
}

bool is_atext(unsigned char c) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         kSpecials.find(static_cast<char>(c)) != std::string_view::npos;
}

std::string quoted_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// Splits text into lines at \r\n, \n or a lone \r. A final line end gives a last empty
// line, so joining with CRLF keeps it.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  lines.push_back(text.substr(start));
  return lines;
}

void append_hex_escape(std::string* out, unsigned char byte) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('=');
  out->push_back(kHex[byte >> 4]);
  out->push_back(kHex[byte & 15]);
}

void append_quoted_printable_line(std::string* out, std::string_view line) {
  // 75 so that a soft line break's "=" still fits in 76.
  constexpr size_t kEncodedLineBody = kLineLimit - 1;
  const bool starts_with_from = line.substr(0, 5) == "From ";
  size_t column = 0;
  std::string token;
  for (size_t i = 0; i < line.size(); ++i) {
    const auto byte = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    token.clear();
    const bool literal = (byte >= 33 && byte <= 126 && byte != '=') || (is_space(byte) && !last);
    if (literal && !(i == 0 && starts_with_from)) {
      token.push_back(static_cast<char>(byte));
    } else {
      append_hex_escape(&token, byte);
    }
    if (column + token.size() > kEncodedLineBody) {
      out->append("=");
      out->append(kCrlf);
      column = 0;
    }
    out->append(token);
    column += token.size();
  }
}

void append_html_escaped(std::string* out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      case '"':
        out->append("&quot;");
        break;
      case '\'':
        out->append("&#39;");
        break;
      default:
        out->push_back(c);
    }
  }
}

bool starts_url(std::string_view text, size_t i) {
  const std::string_view rest = text.substr(i);
  return rest.substr(0, 7) == "http://" || rest.substr(0, 8) == "https://";
}

bool ends_url(unsigned char c) {
  return is_space(c) || is_control(c) || c >= 0x80 || c == '<' || c == '>' || c == '"';
}

// Where a URL starting at `start` ends: at white space, a quote or an angle bracket, then
// without the punctuation that ends a sentence or closes a parenthesis opened before it.
size_t url_end(std::string_view text, size_t start) {
  size_t end = start;
  while (end < text.size() && !ends_url(static_cast<unsigned char>(text[end]))) ++end;
  while (end > start) {
    const char last = text[end - 1];
    if (std::string_view(".,;:!?'").find(last) != std::string_view::npos) {
      --end;
      continue;
    }
    if (last == ')') {
      const std::string_view url = text.substr(start, end - start);
      const auto opened = std::count(url.begin(), url.end(), '(');
      const auto closed = std::count(url.begin(), url.end(), ')');
      if (closed > opened) {
        --end;
        continue;
      }
    }
    break;
  }
  return end;
}

void append_linked_line(std::string* out, std::string_view line) {
  size_t plain_start = 0;
  size_t i = 0;
  while (i < line.size()) {
    if (!starts_url(line, i) || (i > 0 && is_atext(static_cast<unsigned char>(line[i - 1])))) {
      ++i;
      continue;
    }
    const size_t end = url_end(line, i);
    const size_t scheme_length = line[i + 4] == 's' ? 8 : 7;
    if (end <= i + scheme_length) {  // "https://" alone is no link
      i = end > i ? end : i + 1;
      continue;
    }
    append_html_escaped(out, line.substr(plain_start, i - plain_start));
    const std::string_view url = line.substr(i, end - i);
    out->append("<a href=\"");
    append_html_escaped(out, url);
    out->append("\">");
    append_html_escaped(out, url);
    out->append("</a>");
    plain_start = i = end;
  }
  append_html_escaped(out, line.substr(plain_start));
}

bool is_blank(std::string_view line) {
  for (char c : line) {
    if (!is_space(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string two_digits(int value) {
  return {static_cast<char>('0' + value / 10 % 10), static_cast<char>('0' + value % 10)};
}

}  // namespace

bool is_valid_address(std::string_view address, std::string* error) {
  std::string why;
  // normalize_email trims white space (line breaks included) and lowercases: the address
  // is usable as is only when it has nothing to trim. A line break that got through would
  // end the SMTP command or the header it is written in.
  const bool has_blank = std::any_of(address.begin(), address.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= ' ' || byte == 0x7f;
  });
  if (has_blank) {
    why = "white space or control character";
  } else if (members::normalize_email(address, &why)) {
    return true;
  }
  if (error != nullptr) *error = why;
  return false;
}

std::optional<Mailbox> parse_mailbox(std::string_view text, std::string* error) {
  auto fail = [error](std::string why) -> std::optional<Mailbox> {
    if (error != nullptr) *error = std::move(why);
    return std::nullopt;
  };
  while (!text.empty() && is_space(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  Mailbox mailbox;
  std::string why;
  if (text.empty() || text.back() != '>') {
    if (!is_valid_address(text, &why)) return fail("not a valid address (" + why + ")");
    mailbox.address = std::string(text);
    return mailbox;
  }
  const size_t open = text.rfind('<');
  if (open == std::string_view::npos) return fail("'>' without '<'");
  const std::string_view address = text.substr(open + 1, text.size() - open - 2);
  if (!is_valid_address(address, &why)) return fail("not a valid address (" + why + ")");
  mailbox.address = std::string(address);

  std::string_view name = text.substr(0, open);
  while (!name.empty() && is_space(static_cast<unsigned char>(name.back()))) name.remove_suffix(1);
  if (!name.empty() && name.front() == '"') {
    if (name.size() < 2 || name.back() != '"') return fail("unclosed quote in the name");
    name = name.substr(1, name.size() - 2);
    std::string unquoted;
    for (size_t i = 0; i < name.size(); ++i) {
      if (name[i] == '\\' && i + 1 < name.size()) ++i;
      unquoted.push_back(name[i]);
    }
    mailbox.display_name = one_line(unquoted);
  } else {
    mailbox.display_name = one_line(name);
  }
  return mailbox;
}

std::vector<std::string> encoded_words(std::string_view text, size_t first_max) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t capacity = word_capacity(words.empty() ? first_max : kEncodedWordMax);
    if (capacity < utf8::step_over(text, start)) capacity = word_capacity(kEncodedWordMax);
    size_t end = start;
    while (end < text.size()) {
      const size_t next = end + utf8::step_over(text, end);
      if (next - start > capacity) break;
      end = next;
    }
    std::string word(kWordOpen);
    word += base64(text.substr(start, end - start));
    word += kWordClose;
    words.push_back(std::move(word));
    start = end;
  }
  return words;
}

std::string unstructured_header(std::string_view name, std::string_view value) {
  const std::string text = one_line(value);
  if (!needs_encoding(text)) {
    std::string header = fold(name, split_words(text));
    // A word too long for any line (a pasted URL of 1,000 characters) is still sent
    // whole, as encoded-words.
    if (!has_line_over_hard_limit(header)) return header;
  }
  return fold(name, words_after(name, text));
}

std::string mailbox_header(std::string_view name, const Mailbox& mailbox) {
  const std::string display = one_line(mailbox.display_name);
  std::vector<std::string> atoms;
  if (display.empty()) {
    atoms.push_back(mailbox.address);
    return fold(name, atoms);
  }
  if (needs_encoding(display)) {
    atoms = words_after(name, display);
  } else if (std::all_of(display.begin(), display.end(), [](char c) {
               return c == ' ' || is_atext(static_cast<unsigned char>(c));
             })) {
    atoms = split_words(display);
  } else {
    atoms.push_back(quoted_string(display));
  }
  atoms.push_back("<" + mailbox.address + ">");
  return fold(name, atoms);
}

std::string list_header(std::string_view name, const std::vector<std::string>& items) {
  std::vector<std::string> atoms = items;
  for (size_t i = 0; i + 1 < atoms.size(); ++i) atoms[i].push_back(',');
  return fold(name, atoms);
}

std::string quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  const auto lines = lines_of(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out.append(kCrlf);
    append_quoted_printable_line(&out, lines[i]);
  }
  return out;
}

std::string html_from_text(std::string_view text, std::string_view language,
                           std::string_view title) {
  std::string out;
  out.reserve(600 + text.size() * 2);
  out.append("<!DOCTYPE html>\n<html");
  if (is_language_tag(language)) {
    out.append(" lang=\"");
    out.append(language);
    out.append("\"");
  }
  out.append(
      ">\n<head>\n<meta charset=\"UTF-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
  append_html_escaped(&out, one_line(title));
  out.append(
      "</title>\n</head>\n<body style=\"margin:0;padding:0;background-color:#ffffff;\">\n"
      "<div style=\"max-width:36em;margin:0 auto;padding:1em;"
      "font-family:Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;"
      "overflow-wrap:break-word;\">\n");
  bool in_paragraph = false;
  for (std::string_view line : lines_of(text)) {
    if (is_blank(line)) {
      if (in_paragraph) out.append("</p>\n");
      in_paragraph = false;
      continue;
    }
    out.append(in_paragraph ? "<br>\n" : "<p>");
    in_paragraph = true;
    append_linked_line(&out, line);
  }
  if (in_paragraph) out.append("</p>\n");
  out.append("</div>\n</body>\n</html>\n");
  return out;
}

std::string rfc5322_date(std::chrono::system_clock::time_point when) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::string out = kDays[static_cast<size_t>(utc.tm_wday)];
  out += ", " + two_digits(utc.tm_mday) + " " + kMonths[static_cast<size_t>(utc.tm_mon)] + " " +
         std::to_string(utc.tm_year + 1900) + " " + two_digits(utc.tm_hour) + ":" +
         two_digits(utc.tm_min) + ":" + two_digits(utc.tm_sec) + " +0000";
  return out;
}

bool is_language_tag(std::string_view tag) {
  // RFC 5646's shape, loosely: a primary subtag of 2 to 8 letters, then alphanumeric
  // subtags of 1 to 8 characters, joined by hyphens.
  if (tag.empty() || tag.size() > 35) return false;
  size_t subtag_start = 0;
  bool primary = true;
  for (size_t i = 0; i <= tag.size(); ++i) {
    if (i < tag.size() && tag[i] != '-') {
      const auto c = static_cast<unsigned char>(tag[i]);
      const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!letter && (primary || c < '0' || c > '9')) return false;
      continue;
    }
    const size_t length = i - subtag_start;
    if (length < (primary ? 2u : 1u) || length > 8) return false;
    primary = false;
    subtag_start = i + 1;
  }
  return true;
}

std::string build_message(const MessageParts& parts) {
  std::string out;
  out.reserve(2048 + parts.text.size() * 2 + parts.html.size() * 2);
  out += mailbox_header("From", parts.from);
  out += mailbox_header("To", Mailbox{"", parts.to});
  out += unstructured_header("Subject", parts.subject);
  out += "Date: " + parts.date + "\r\n";
  out += "Message-ID: <" + parts.message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  if (is_language_tag(parts.language)) out += "Content-Language: " + parts.language + "\r\n";
  for (const auto& header : parts.extra_headers) out += header;
  out += "Content-Type: multipart/alternative;\r\n boundary=\"" + parts.boundary + "\"\r\n";
  out += "\r\n";
  const auto part = [&](std::string_view type, std::string_view content) {
    out += "--" + parts.boundary + "\r\n";
    out += "Content-Type: ";
    out += type;
    out += "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += quoted_printable(content);
    out += "\r\n";
  };
  part("text/plain", parts.text);
  part("text/html", parts.html);
  out += "--" + parts.boundary + "--\r\n";
  return out;
}

}  // namespace tocsin::adapters::mime
