#pragma once
// Turns a roster file, fed in order in chunks, into UTF-8 without ever holding it whole.
// Spreadsheet exports come as UTF-8 (with or without BOM) or, from Excel on Windows, as
// Windows-1252; the encoding is detected from the data, not asked of the user.

#include <iconv.h>

#include <string>
#include <string_view>

namespace tocsin::members {

enum class SourceEncoding { utf8, utf8_bom, windows_1252 };

// Detection: a leading UTF-8 BOM means utf8_bom (the BOM is stripped). Otherwise the first
// chunk that holds a non-ASCII byte decides, so callers should feed at least 64 KiB at a
// time (or the whole file if smaller): valid UTF-8 (a sequence cut at the chunk's end is
// allowed) means utf8, anything else windows_1252. Pure ASCII so far reads the same in both,
// so deciding at the first non-ASCII chunk rather than the first chunk only avoids wrong
// guesses for files whose first rows happen to have no accents.
//
// In a file taken as UTF-8, a later invalid sequence is passed through unchanged: the CSV
// layer and importer report that row (is_valid_utf8) instead of it being silently "fixed".
//
// Windows-1252 goes through glibc iconv. The five bytes CP1252 leaves undefined (0x81 0x8D
// 0x8F 0x90 0x9D) become U+FFFD, which the importer shows as-is; iconv alone would stop.
class Utf8Converter {
 public:
  Utf8Converter() = default;
  ~Utf8Converter();
  Utf8Converter(const Utf8Converter&) = delete;
  Utf8Converter& operator=(const Utf8Converter&) = delete;

  // Returns the UTF-8 for this chunk; a multi-byte sequence cut at the chunk's end is held
  // back and prefixed to the next chunk's output.
  std::string convert(std::string_view chunk);
  // Call after the last chunk: returns bytes still held back (a sequence cut by the end of
  // the file, passed through so the importer reports it). Empty almost always.
  std::string finish();

  SourceEncoding encoding() const { return encoding_; }
  // True once a BOM or a non-ASCII byte has fixed the encoding.
  bool decided() const { return decided_; }

 private:
  std::string convert_utf8(std::string_view chunk);
  std::string convert_cp1252(std::string_view chunk);

  SourceEncoding encoding_ = SourceEncoding::utf8;
  bool decided_ = false;
  bool first_bytes_seen_ = false;
  std::string carry_;  // up to 3 bytes of a cut UTF-8 sequence, or of a possible BOM
  iconv_t iconv_ = reinterpret_cast<iconv_t>(-1);
};

}  // namespace tocsin::members
