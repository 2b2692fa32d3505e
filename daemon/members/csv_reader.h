#pragma once
// A streaming RFC 4180 reader for roster exports, push-style: feed UTF-8 chunks as they
// arrive, take complete records out. Memory stays bounded by the limits below whatever the
// input, so a 50 MB file or a runaway quote cannot exhaust the daemon.

#include <array>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::members {

struct CsvRecord {
  size_t line = 0;      // 1-based physical line where the record starts
  size_t end_line = 0;  // physical line where it ends (> line for quoted newlines)
  std::vector<std::string> fields;
  // Non-empty for a malformed record; then fields holds what was read before the problem
  // and error_field the 0-based index of the field where it was found.
  std::string error;
  size_t error_field = 0;

  bool operator==(const CsvRecord&) const = default;
};

struct CsvLimits {
  size_t max_field_bytes = 65536;
  size_t max_fields = 512;
  // 0: detect from the first non-blank line (the header), whichever of , ; and tab occurs
  // most outside quotes, comma on a tie. French Excel writes semicolons.
  char delimiter = 0;
};

// Rules beyond RFC 4180, chosen for spreadsheet exports typed by many hands:
// - CRLF, LF and lone CR all end a line; empty lines are skipped but counted.
// - A quote opens a quoted field only at the start of a field; elsewhere it is literal
//   (Jean "Johnny" Tremblay), as Excel reads it.
// - Quoted fields keep their line ends as written.
// - After a malformed record (text after a closing quote, a field over max_field_bytes, more
//   than max_fields), the rest of that physical line is skipped, quotes included, and
//   reading resumes at the next line. A quoted field that outgrows the limit (a quote never
//   closed) is reported with its start line and the line where reading resumed.
// - A quote still open at the end of the input yields one record with an error naming the
//   line where the quote opened.
class CsvReader {
 public:
  explicit CsvReader(CsvLimits limits = {});

  void feed(std::string_view utf8_chunk);
  void finish();
  // The next complete record, or nullopt when more input is needed or all is consumed.
  std::optional<CsvRecord> next();

  // The delimiter in use; ',' until detection has seen the header line.
  char delimiter() const { return delimiter_ ? delimiter_ : ','; }

 private:
  enum class State { record_start, field_start, unquoted, quoted, quote_in_quoted, skip_line };

  void detect_and_parse(std::string_view chunk, bool at_end);
  void parse(std::string_view data);
  void set_delimiter(char delimiter);
  bool append(const char* bytes, size_t size);
  void end_field();
  void end_record();
  void fail(std::string message);
  void line_end(char c);

  CsvLimits limits_;
  char delimiter_ = 0;
  std::string detect_buffer_;  // input held until the header line is complete
  size_t detect_pos_ = 0;      // how far detect_buffer_ has been scanned
  bool detect_quoted_ = false;
  bool detect_content_ = false;
  std::array<size_t, 3> detect_counts_{};  // , ; tab
  char last_byte_ = 0;
  bool finished_ = false;

  State state_ = State::record_start;
  bool after_cr_ = false;  // the last byte was a CR: a following LF is the same line end
  size_t line_ = 1;
  size_t record_line_ = 1;
  size_t quote_line_ = 1;
  std::string field_;
  std::vector<std::string> fields_;
  std::string error_;
  size_t error_field_ = 0;
  std::array<bool, 256> special_unquoted_{};
  std::array<bool, 256> special_quoted_{};
  std::deque<CsvRecord> ready_;
};

}  // namespace tocsin::members
