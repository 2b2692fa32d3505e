#pragma once
// The HTML document around every one-click RSVP page: self-contained (inline CSS, no
// script, no external resource, so it works offline-cached, on old phones and under a strict
// Content-Security-Policy), with a viewport for small screens. Pure.

#include <string>
#include <string_view>

namespace tocsin::replies {

// A whole page. `title` is text (escaped here); `body_html` is markup the caller built,
// with every value already escaped.
std::string rsvp_html_page(std::string_view language, std::string_view title,
                           std::string_view body_html);

}  // namespace tocsin::replies
