// SMS measurement and the GSM-friendly rewrite on arbitrary bytes. The first byte picks
// fold_accents. Checks that segment counts agree with the units, that the encoding agrees with
// the list of offending characters, and that the rewrite never costs more, never grows within
// one encoding, keeps valid UTF-8 valid, and is idempotent.

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "alerts/sms_encoding.h"
#include "util/utf8.h"

namespace {

using tocsin::alerts::SmsEncoding;
using tocsin::alerts::SmsShape;

void check(bool condition) {
  if (!condition) std::abort();
}

bool valid_utf8(std::string_view s) {
  for (size_t pos = 0; pos < s.size();) {
    const int length = tocsin::utf8::decode(s, pos).length;
    if (length <= 0) return false;
    pos += static_cast<size_t>(length);
  }
  return true;
}

size_t ceil_div(size_t a, size_t b) {
  return (a + b - 1) / b;
}

void check_shape(const SmsShape& shape) {
  const bool gsm = shape.encoding == SmsEncoding::gsm7;
  check(gsm == shape.non_gsm_characters.empty());
  const size_t single = gsm ? tocsin::alerts::kGsm7SingleSeptets : tocsin::alerts::kUcs2SingleUnits;
  const size_t part = gsm ? tocsin::alerts::kGsm7PartSeptets : tocsin::alerts::kUcs2PartUnits;
  check(shape.segments >= 1);
  if (shape.units <= single) {
    check(shape.segments == 1);
  } else {
    // A character held back from a full part wastes one unit at most (both wide characters
    // take two), so a part carries part or part - 1 units.
    check(shape.segments >= ceil_div(shape.units, part));
    check(shape.segments <= ceil_div(shape.units, part - 1));
  }
  const std::set<std::string> distinct(shape.non_gsm_characters.begin(),
                                       shape.non_gsm_characters.end());
  check(distinct.size() == shape.non_gsm_characters.size());
  for (const std::string& c : shape.non_gsm_characters) check(valid_utf8(c));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool fold_accents = (data[0] & 1) != 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  const SmsShape before = tocsin::alerts::measure_sms(input);
  check_shape(before);
  check(before.units <= input.size() * 2);

  const std::string friendly = tocsin::alerts::make_gsm_friendly(input, fold_accents);
  const SmsShape after = tocsin::alerts::measure_sms(friendly);
  check_shape(after);
  check(after.segments <= before.segments);
  if (after.encoding == before.encoding) check(after.units <= before.units);
  if (before.encoding == SmsEncoding::gsm7) check(friendly == input);
  if (valid_utf8(input)) check(valid_utf8(friendly));
  check(tocsin::alerts::make_gsm_friendly(friendly, fold_accents) == friendly);
  return 0;
}
