#pragma once
// Personal data never reaches a log unmasked (daemon/README.md). These helpers keep just enough to
// tell two numbers or addresses apart when debugging a delivery: the country and area code
// and the last four digits of a phone, the first letter and the domain of an email.

#include <string>
#include <string_view>

namespace tocsin::log {

// "+18195551234" -> "+1819***1234". Short or odd input is masked whole ("***").
std::string mask_phone(std::string_view phone);

// "jean.tremblay@example.org" -> "j***@example.org". Without an '@': "***".
std::string mask_email(std::string_view email);

// Masks every email address and every phone-like run of digits (7 or more digits, with
// the usual separators) inside free text, such as an SMS body or a provider's error.
std::string mask_personal_data(std::string_view text);

}  // namespace tocsin::log
