#include "log/mask.h"

#include <cctype>

namespace tocsin::log {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_email_local_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' ||
         c == '+' || c == '-';
}

bool is_domain_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}

// Separators people and spreadsheets put inside phone numbers.
bool is_phone_separator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
}

}  // namespace

std::string mask_phone(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (is_digit(c)) digits += c;
  }
  if (digits.size() < 8) return "***";
  // Keep what identifies the region (country + area code), hide the subscriber part.
  const size_t head = digits.size() >= 11 ? 4 : 3;
  std::string out = phone.starts_with('+') ? "+" : "";
  out += digits.substr(0, head);
  out += "***";
  out += digits.substr(digits.size() - 4);
  return out;
}

std::string mask_email(std::string_view email) {
  const size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0) return "***";
  std::string out(1, email.front());
  out += "***";
  out += email.substr(at);
  return out;
}

std::string mask_personal_data(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    // An email: extend left over the local part already copied, right over the domain.
    if (text[i] == '@') {
      size_t start = i;
      while (start > 0 && is_email_local_char(text[start - 1])) --start;
      size_t end = i + 1;
      while (end < text.size() && is_domain_char(text[end])) ++end;
      const bool has_dot = text.substr(i + 1, end - i - 1).find('.') != std::string_view::npos;
      if (start < i && has_dot) {
        out.resize(out.size() - (i - start));
        out += mask_email(text.substr(start, end - start));
        i = end;
        continue;
      }
    }
    // A phone: '+' or a digit starting a run of digits and separators with >= 7 digits.
    if (is_digit(text[i]) || (text[i] == '+' && i + 1 < text.size() && is_digit(text[i + 1]))) {
      size_t end = i + (text[i] == '+' ? 1 : 0);
      size_t digits = 0;
      size_t last_digit_end = end;
      while (end < text.size() && (is_digit(text[end]) || is_phone_separator(text[end]))) {
        // A space after a complete number (10+ digits) starts something else, often the
        // next number in a list.
        if (text[end] == ' ' && digits >= 10) break;
        if (is_digit(text[end])) {
          ++digits;
          last_digit_end = end + 1;
        }
        ++end;
      }
      if (digits >= 7) {
        out += mask_phone(text.substr(i, last_digit_end - i));
        i = last_digit_end;
        continue;
      }
      // Not a phone: copy the digits (not the separators, which are handled on their own).
      out.append(text.substr(i, last_digit_end - i));
      i = last_digit_end;
      continue;
    }
    out += text[i];
    ++i;
  }
  return out;
}

}  // namespace tocsin::log
