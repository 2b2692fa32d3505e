#pragma once
// Whether a browser's Origin header names our public URL (http.public_url): the check that
// a form was posted from our own page. Scheme, host and port are compared as libcurl's URL
// parser reads them, so "https://x.example" and "https://X.example:443" are the same origin.

#include <string_view>

namespace tocsin::http {

// False for "null", an unparseable value, or any other origin.
bool same_origin(std::string_view origin, std::string_view public_url);

// Where a form POST came from, as far as the browser's own headers tell. Both headers are
// set by the browser and cannot be set by a page's script (the Fetch standard's forbidden
// request headers).
enum class FormOrigin {
  ours,     // Sec-Fetch-Site: same-origin, or an Origin equal to our public URL's
  foreign,  // Sec-Fetch-Site: cross-site or same-site, or another site's Origin
  unknown,  // neither tells: no Sec-Fetch-Site and an Origin of "null" or none (an old
            // browser, a page sent with Referrer-Policy: no-referrer, or not a browser)
};

// Sec-Fetch-Site decides when present (Chromium, Firefox >= 90, Safari >= 16.4 send it);
// "none" (a user's own navigation, e.g. a reload) tells nothing about the form: unknown.
FormOrigin form_origin(std::string_view sec_fetch_site, std::string_view origin,
                       std::string_view public_url);

}  // namespace tocsin::http
