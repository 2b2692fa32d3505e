#pragma once
// The dashboard's session cookie (README.md, "Accounts and sign-in"): read
// from a Cookie header, and the Set-Cookie values that open and end it. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tocsin::http {

inline constexpr std::string_view kSessionCookie = "tocsin_session";

// The value of cookie `name` in a Cookie header ("a=1; tocsin_session=xyz"), nullopt when
// absent or empty. The first one wins when a name repeats.
std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name);

// HttpOnly (no script reads it), SameSite=Strict (no other site's page or link sends it),
// Path=/, Max-Age; Secure when the public URL is https.
std::string session_cookie(std::string_view session_id, int64_t max_age_seconds, bool secure);
// The same cookie, emptied and expired: the browser drops it.
std::string cleared_session_cookie(bool secure);

}  // namespace tocsin::http
