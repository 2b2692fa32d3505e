#pragma once
// Normalizing the contact details of a roster: phone numbers to E.164 (the form gateways
// want and the key of phone:{e164}), email addresses to a trimmed, lowercase form.
// Errors are short phrases meant for an import report ("line 12, phone: no area code").

#include <optional>
#include <string>
#include <string_view>

namespace tocsin::members {

// "819-555-1234", "(819) 555 1234", "+1 819 555 1234", "1-819-555-1234" -> "+18195551234"
// with default_region "CA". Numbers written with a leading + keep their own country.
// An extension ("x123", "ext. 5") is dropped: an SMS cannot dial it.
// On failure returns nullopt and, when error is not null, sets it to e.g. "empty",
// "not a phone number", "no area code", "invalid number for its region".
std::optional<std::string> normalize_phone(std::string_view raw,
                                           std::string_view default_region = "CA",
                                           std::string* error = nullptr);

// " Marie.Tremblay@Example.ORG " -> "marie.tremblay@example.org". Checks a sane syntax, not
// the whole of RFC 5321: one @, a local part of at most 64 bytes of the usual characters
// (no quoted forms), a domain of letters/digits/hyphen labels with at least one dot.
// Errors: "empty", "missing @", "more than one @", "domain has no dot",
// "invalid character ' '", ...
std::optional<std::string> normalize_email(std::string_view raw, std::string* error = nullptr);

}  // namespace tocsin::members
