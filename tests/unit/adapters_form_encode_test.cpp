#include "adapters/form_encode.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace tocsin::adapters {
namespace {

// What the adapters sent before they encoded forms themselves: the encoding must not move.
std::string curl_escaped(const std::string& text) {
  std::unique_ptr<char, decltype(&curl_free)> out(
      curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), &curl_free);
  return out ? std::string(out.get()) : std::string();
}

std::string escaped(const std::string& text) {
  std::string out;
  append_form_escaped(&out, text);
  return out;
}

TEST(AdaptersFormEncode, EveryByteAsLibcurlEscapesIt) {
  for (int byte = 0; byte < 256; ++byte) {
    const std::string one(1, static_cast<char>(byte));
    EXPECT_EQ(escaped(one), curl_escaped(one)) << "byte " << byte;
  }
}

TEST(AdaptersFormEncode, TextsAsLibcurlEscapesThem) {
  for (const std::string text :
       {std::string(), std::string("+18195550001"), std::string("Geneviève, assemblée à 19 h"),
        std::string("a b&c=d%e+f/g?h#i~j_k.l-m"), std::string("emoji \xF0\x9F\x9A\xA8 end"),
        std::string("nul\0inside", 10), std::string(1000, '\xE9')}) {
    EXPECT_EQ(escaped(text), curl_escaped(text)) << text;
  }
}

TEST(AdaptersFormEncode, AppendsToWhatIsThere) {
  std::string out = "x";
  append_form_escaped(&out, "+1");
  EXPECT_EQ(out, "x%2B1");
}

TEST(AdaptersFormEncode, FieldsAreJoinedWithAmpersands) {
  std::string form;
  append_form_field(&form, "To", "+15145550100");
  append_form_field(&form, "Body", "OUI A7");
  append_form_field(&form, "Empty", "");
  EXPECT_EQ(form, "To=%2B15145550100&Body=OUI%20A7&Empty=");
}

}  // namespace
}  // namespace tocsin::adapters
