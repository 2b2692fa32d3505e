#include "tests/support/mime_decode.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <regex>

namespace tocsin::testing {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// RFC 2047 "Q": like quoted-printable, and "_" is a space.
std::string decode_q(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      out.push_back(' ');
    } else if (text[i] == '=' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

std::string MailEntity::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (same_name(key, name)) return value;
  }
  return "<missing>";
}

size_t MailEntity::count(std::string_view name) const {
  return static_cast<size_t>(std::count_if(
      headers.begin(), headers.end(), [&](const auto& h) { return same_name(h.first, name); }));
}

MailEntity parse_entity(std::string_view text) {
  MailEntity entity;
  size_t end = text.find("\r\n\r\n");
  std::string_view head = text.substr(0, end);
  entity.body = end == std::string_view::npos ? "" : std::string(text.substr(end + 4));
  for (const std::string& line : crlf_lines(head)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !entity.headers.empty()) {
      entity.headers.back().second += line;  // unfolding removes only the CRLF
      continue;
    }
    const size_t colon = line.find(':');
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    entity.headers.emplace_back(line.substr(0, colon), value);
  }
  return entity;
}

std::string decode_words(std::string_view value) {
  static const std::regex kWord(R"(=\?([^?]+)\?([BbQq])\?([^?]*)\?=)");
  std::string text(value);
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), kWord);
  size_t last = 0;
  bool previous_was_word = false;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& match = *it;
    const size_t start = static_cast<size_t>(match.position(0));
    std::string between = text.substr(last, start - last);
    const bool only_space =
        std::all_of(between.begin(), between.end(), [](char c) { return c == ' ' || c == '\t'; });
    if (!(previous_was_word && only_space)) out += between;
    const std::string encoding = match[2].str();
    out += (encoding == "B" || encoding == "b") ? decode_base64(match[3].str())
                                                : decode_q(match[3].str());
    last = start + static_cast<size_t>(match.length(0));
    previous_was_word = true;
  }
  out += text.substr(last);
  return out;
}

std::string decode_quoted_printable(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out.push_back(text[i]);
      continue;
    }
    if (text.substr(i + 1, 2) == "\r\n") {
      i += 2;  // soft line break
    } else if (i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back('=');  // malformed: kept, as RFC 2045 suggests
    }
  }
  return out;
}

std::string decode_base64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  if (length < 0) return "<bad base64>";
  size_t size = static_cast<size_t>(length);
  // EVP_DecodeBlock counts the padding's zero bytes.
  for (size_t i = text.size(); i > 0 && text[i - 1] == '=' && size > 0; --i) --size;
  out.resize(size);
  return out;
}

std::vector<MailEntity> split_multipart(std::string_view body, std::string_view boundary) {
  std::vector<MailEntity> parts;
  const std::string delimiter = "--" + std::string(boundary);
  size_t start = body.find(delimiter);
  while (start != std::string_view::npos) {
    size_t content = start + delimiter.size();
    if (body.substr(content, 2) == "--") break;  // the closing delimiter
    content = body.find("\r\n", content) + 2;
    const size_t next = body.find("\r\n" + delimiter, content);
    if (next == std::string_view::npos) break;
    parts.push_back(parse_entity(body.substr(content, next - content)));
    start = next + 2;
  }
  return parts;
}

std::string boundary_of(std::string_view content_type) {
  static const std::regex kBoundary(R"re(boundary="?([^";]+)"?)re", std::regex::icase);
  std::smatch match;
  std::string text(content_type);
  return std::regex_search(text, match, kBoundary) ? match[1].str() : "";
}

std::string with_lf(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out.push_back(text[i]);
  }
  return out;
}

std::vector<std::string> crlf_lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    const size_t end = text.find("\r\n", start);
    if (end == std::string_view::npos) {
      lines.emplace_back(text.substr(start));
      return lines;
    }
    lines.emplace_back(text.substr(start, end - start));
    start = end + 2;
  }
}

}  // namespace tocsin::testing
