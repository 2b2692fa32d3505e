#pragma once
// Whether a browser's Origin header names our public URL (http.public_url): the check that
// a form was posted from our own page. Scheme, host and port are compared as libcurl's URL
// parser reads them, so "https://x.example" and "https://X.example:443" are the same origin.

#include <string_view>

namespace tocsin::http {

// False for "null", an unparseable value, or any other origin.
bool same_origin(std::string_view origin, std::string_view public_url);

}  // namespace tocsin::http
