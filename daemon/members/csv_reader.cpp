#include "members/csv_reader.h"

#include <algorithm>

namespace tocsin::members {
namespace {

// A header longer than this is not a header; decide with what has been seen.
constexpr size_t kMaxDetectBytes = 1 << 20;
constexpr std::array<char, 3> kCandidates = {',', ';', '\t'};

bool is_line_end(char c) {
  return c == '\n' || c == '\r';
}

}  // namespace

CsvReader::CsvReader(CsvLimits limits) : limits_(limits) {
  if (limits_.delimiter != 0) set_delimiter(limits_.delimiter);
}

void CsvReader::set_delimiter(char delimiter) {
  delimiter_ = delimiter;
  special_unquoted_.fill(false);
  special_quoted_.fill(false);
  for (const char c : {delimiter, '\r', '\n'})
    special_unquoted_[static_cast<unsigned char>(c)] = true;
  for (const char c : {'"', '\r', '\n'}) special_quoted_[static_cast<unsigned char>(c)] = true;
}

void CsvReader::feed(std::string_view utf8_chunk) {
  if (finished_) return;
  if (delimiter_ == 0) {
    detect_and_parse(utf8_chunk, false);
  } else {
    parse(utf8_chunk);
  }
}

void CsvReader::detect_and_parse(std::string_view chunk, bool at_end) {
  detect_buffer_.append(chunk);
  bool done = at_end || detect_buffer_.size() >= kMaxDetectBytes;
  for (; !done && detect_pos_ < detect_buffer_.size(); ++detect_pos_) {
    const char c = detect_buffer_[detect_pos_];
    if (c == '"') {
      detect_quoted_ = !detect_quoted_;  // a doubled quote toggles twice
      detect_content_ = true;
    } else if (detect_quoted_) {
      continue;
    } else if (is_line_end(c)) {
      done = detect_content_;  // blank lines before the header do not count
    } else {
      detect_content_ = true;
      const auto* it = std::find(kCandidates.begin(), kCandidates.end(), c);
      if (it != kCandidates.end()) ++detect_counts_[it - kCandidates.begin()];
    }
  }
  if (!done) return;
  // max_element keeps the first of equal counts: comma wins ties.
  const auto best = std::max_element(detect_counts_.begin(), detect_counts_.end());
  set_delimiter(kCandidates[best - detect_counts_.begin()]);
  std::string buffered;
  buffered.swap(detect_buffer_);
  parse(buffered);
}

bool CsvReader::append(const char* bytes, size_t size) {
  if (field_.size() + size > limits_.max_field_bytes) return false;
  field_.append(bytes, size);
  return true;
}

void CsvReader::end_field() {
  fields_.push_back(std::move(field_));
  field_.clear();
}

void CsvReader::end_record() {
  const size_t expected = fields_.size();
  ready_.push_back(
      CsvRecord{record_line_, line_, std::move(fields_), std::move(error_), error_field_});
  fields_.clear();
  fields_.reserve(expected);
  error_.clear();
  error_field_ = 0;
  field_.clear();
  state_ = State::record_start;
}

void CsvReader::fail(std::string message) {
  error_ = std::move(message);
  error_field_ = fields_.size();
  field_.clear();
  state_ = State::skip_line;
}

void CsvReader::line_end(char c) {
  ++line_;
  after_cr_ = c == '\r';
}

void CsvReader::parse(std::string_view data) {
  if (data.empty()) return;
  last_byte_ = data.back();
  const char* p = data.data();
  const char* const end = p + data.size();
  const char delimiter = delimiter_;
  const auto field_too_long = [&] {
    return "field longer than " + std::to_string(limits_.max_field_bytes) + " bytes";
  };
  const auto quoted_too_long = [&] {
    return field_too_long() + " (quoted field starting at line " + std::to_string(quote_line_) +
           ", unterminated quote?)";
  };
  while (p < end) {
    const char c = *p;
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') {
        // The LF of a CRLF: the line was already counted at the CR.
        if (state_ == State::quoted && !append(p, 1)) {
          fail(quoted_too_long());
          end_record();  // at a line end already: nothing to skip
          ready_.back().end_line = line_ - 1;
        }
        ++p;
        continue;
      }
    }
    switch (state_) {
      case State::record_start:
        if (is_line_end(c)) {
          line_end(c);  // a blank line: skipped, but counted
          ++p;
          break;
        }
        record_line_ = line_;
        state_ = State::field_start;
        break;  // the same byte again, as the first of a field

      case State::field_start:
        if (fields_.size() >= limits_.max_fields) {
          fail("more than " + std::to_string(limits_.max_fields) + " fields");
        } else if (c == '"') {
          quote_line_ = line_;
          state_ = State::quoted;
          ++p;
        } else if (c == delimiter) {
          end_field();
          ++p;
        } else if (is_line_end(c)) {
          end_field();
          end_record();
          line_end(c);
          ++p;
        } else {
          state_ = State::unquoted;
        }
        break;

      case State::unquoted: {
        const char* q = p;
        while (q < end && !special_unquoted_[static_cast<unsigned char>(*q)]) ++q;
        const size_t run = q - p;
        if (field_.size() + run > limits_.max_field_bytes) {
          p = q;
          fail(field_too_long());
          break;
        }
        if (q < end && field_.empty()) {
          fields_.emplace_back(p, run);  // the whole field is in this chunk: no detour
        } else {
          field_.append(p, run);
          if (q < end) end_field();
        }
        p = q;
        if (p < end) {
          if (*p == delimiter) {
            state_ = State::field_start;
          } else {
            end_record();
            line_end(*p);
          }
          ++p;
        }
        break;
      }

      case State::quoted: {
        const char* q = p;
        while (q < end && !special_quoted_[static_cast<unsigned char>(*q)]) ++q;
        bool fits = append(p, q - p);
        p = q;
        if (fits && p < end) {
          if (*p == '"') {
            state_ = State::quote_in_quoted;
            ++p;
            break;
          }
          fits = append(p, 1);  // a line end inside the quotes is data
          if (fits) {
            line_end(*p);
            ++p;
          }
        }
        if (!fits) {
          fail(quoted_too_long());
        }
        break;
      }

      case State::quote_in_quoted:
        if (c == '"') {
          if (append(p, 1)) {
            state_ = State::quoted;
            ++p;
          } else {
            fail(quoted_too_long());
          }
        } else if (c == delimiter) {
          end_field();
          state_ = State::field_start;
          ++p;
        } else if (is_line_end(c)) {
          end_field();
          end_record();
          line_end(c);
          ++p;
        } else {
          fail("unexpected character after closing quote");
        }
        break;

      case State::skip_line: {
        const char* q = p;
        while (q < end && !is_line_end(*q)) ++q;
        p = q;
        if (p < end) {
          end_record();  // emits the error
          line_end(*p);
          ++p;
        }
        break;
      }
    }
  }
}

void CsvReader::finish() {
  if (finished_) return;
  if (delimiter_ == 0) detect_and_parse({}, true);
  finished_ = true;
  switch (state_) {
    case State::record_start:
      break;
    case State::field_start:  // the input ended just after a delimiter: one more empty field
      if (fields_.size() >= limits_.max_fields) {
        fail("more than " + std::to_string(limits_.max_fields) + " fields");
      } else {
        end_field();
      }
      end_record();
      break;
    case State::unquoted:
    case State::quote_in_quoted:
      end_field();
      end_record();
      break;
    case State::quoted:
      fail("unterminated quoted field starting at line " + std::to_string(quote_line_));
      // A final line end inside the quotes does not start another line of the file.
      if (is_line_end(last_byte_)) --line_;
      end_record();
      break;
    case State::skip_line:
      end_record();
      break;
  }
}

std::optional<CsvRecord> CsvReader::next() {
  if (ready_.empty()) return std::nullopt;
  CsvRecord record = std::move(ready_.front());
  ready_.pop_front();
  return record;
}

}  // namespace tocsin::members
