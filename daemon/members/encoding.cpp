#include "members/encoding.h"

#include <cerrno>
#include <stdexcept>

#include "members/text_fold.h"
#include "util/utf8.h"

namespace tocsin::members {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
const iconv_t kNoIconv = reinterpret_cast<iconv_t>(-1);

bool has_non_ascii(std::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

// Length of a trailing sequence that is a valid beginning cut short, or 0.
size_t cut_tail(std::string_view s) {
  const size_t from = s.size() > 3 ? s.size() - 3 : 0;
  for (size_t pos = from; pos < s.size(); ++pos) {
    const unsigned char b = static_cast<unsigned char>(s[pos]);
    if ((b & 0xC0) == 0x80) continue;  // continuation byte: keep looking for the lead
    if (utf8::decode(s, pos).length < 0) return s.size() - pos;
  }
  return 0;
}

// Whether text is UTF-8, perhaps with a few damaged bytes, rather than Windows-1252. A
// Windows-1252 file almost never forms a valid multi-byte UTF-8 sequence by accident
// ("Ã©" would be needed), while a UTF-8 file with one corrupted row still has many: so
// the side with more evidence wins, and the damaged rows are reported by the importer.
bool looks_like_utf8(std::string_view s) {
  s = s.substr(0, s.size() - cut_tail(s));
  size_t multibyte = 0;
  size_t invalid = 0;
  for (size_t pos = 0; pos < s.size();) {
    const auto step = utf8::decode(s, pos);
    if (step.length > 1) ++multibyte;
    if (step.length <= 0) {
      ++invalid;
      ++pos;
    } else {
      pos += static_cast<size_t>(step.length);
    }
  }
  return invalid == 0 || multibyte > invalid;
}

}  // namespace

Utf8Converter::~Utf8Converter() {
  if (iconv_ != kNoIconv) iconv_close(iconv_);
}

std::string Utf8Converter::convert(std::string_view chunk) {
  if (!first_bytes_seen_) {
    // The BOM itself may be split across tiny chunks: wait for three bytes.
    carry_.append(chunk);
    if (carry_.size() < kBom.size() && kBom.starts_with(carry_)) return {};
    first_bytes_seen_ = true;
    std::string data = std::move(carry_);
    carry_.clear();
    if (data.starts_with(kBom)) {
      encoding_ = SourceEncoding::utf8_bom;
      decided_ = true;
      return convert_utf8(std::string_view(data).substr(kBom.size()));
    }
    return convert(data);
  }
  if (!decided_ && has_non_ascii(chunk)) {
    decided_ = true;
    std::string joined = carry_;  // carry_ is empty: pure ASCII holds nothing back
    joined.append(chunk);
    if (!looks_like_utf8(joined)) {
      encoding_ = SourceEncoding::windows_1252;
      iconv_ = iconv_open("UTF-8", "WINDOWS-1252");
      if (iconv_ == kNoIconv) throw std::runtime_error("iconv cannot convert WINDOWS-1252");
    }
  }
  if (encoding_ == SourceEncoding::windows_1252) return convert_cp1252(chunk);
  return convert_utf8(chunk);
}

std::string Utf8Converter::convert_utf8(std::string_view chunk) {
  std::string out;
  out.reserve(carry_.size() + chunk.size());
  out.append(carry_);
  out.append(chunk);
  carry_.clear();
  const size_t cut = cut_tail(out);
  if (cut > 0) {
    carry_.assign(out, out.size() - cut, cut);
    out.resize(out.size() - cut);
  }
  return out;
}

std::string Utf8Converter::convert_cp1252(std::string_view chunk) {
  // Every CP1252 byte is one character of at most three UTF-8 bytes.
  std::string out(chunk.size() * 3, '\0');
  char* in = const_cast<char*>(chunk.data());
  size_t in_left = chunk.size();
  char* to = out.data();
  size_t to_left = out.size();
  while (in_left > 0) {
    if (iconv(iconv_, &in, &in_left, &to, &to_left) != static_cast<size_t>(-1)) break;
    if (errno != EILSEQ) throw std::runtime_error("iconv failed converting WINDOWS-1252");
    // An undefined CP1252 byte: U+FFFD fits in the three bytes reserved for it.
    for (const char c : kReplacement) *to++ = c;
    to_left -= kReplacement.size();
    ++in;
    --in_left;
  }
  out.resize(out.size() - to_left);
  return out;
}

std::string Utf8Converter::finish() {
  if (!first_bytes_seen_) {
    // The whole input was shorter than a BOM.
    first_bytes_seen_ = true;
    std::string data = std::move(carry_);
    carry_.clear();
    std::string out = convert(data);
    out.append(finish());
    return out;
  }
  std::string rest = std::move(carry_);
  carry_.clear();
  return rest;
}

}  // namespace tocsin::members
