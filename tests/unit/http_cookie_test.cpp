#include "http/cookie.h"

#include <gtest/gtest.h>

namespace tocsin::http {
namespace {

TEST(Cookie, FindsTheNamedCookieAmongOthers) {
  EXPECT_EQ(cookie_value("a=1; tocsin_session=abc_-9; b=2", "tocsin_session"), "abc_-9");
  EXPECT_EQ(cookie_value("tocsin_session=abc", "tocsin_session"), "abc");
  EXPECT_EQ(cookie_value(" tocsin_session = \"abc\" ", "tocsin_session"), "abc");
  EXPECT_EQ(cookie_value("x=1;tocsin_session=first; tocsin_session=second", "tocsin_session"),
            "first");
}

TEST(Cookie, AbsentOrEmptyIsNone) {
  EXPECT_EQ(cookie_value("", "tocsin_session"), std::nullopt);
  EXPECT_EQ(cookie_value("tocsin_session=", "tocsin_session"), std::nullopt);
  EXPECT_EQ(cookie_value("my_tocsin_session=abc", "tocsin_session"), std::nullopt);
  EXPECT_EQ(cookie_value("tocsin_session", "tocsin_session"), std::nullopt);
  EXPECT_EQ(cookie_value(";;;=;", "tocsin_session"), std::nullopt);
}

TEST(Cookie, TheSessionCookieIsHttpOnlyStrictAndSecureOnHttps) {
  EXPECT_EQ(session_cookie("abc", 604800, false),
            "tocsin_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=604800");
  EXPECT_EQ(session_cookie("abc", 60, true),
            "tocsin_session=abc; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=60");
  EXPECT_EQ(cleared_session_cookie(false),
            "tocsin_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

}  // namespace
}  // namespace tocsin::http
