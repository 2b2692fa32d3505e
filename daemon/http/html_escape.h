#pragma once
// Text written into an HTML page: every character that could end a text node or an
// attribute value is escaped, so a member's name or an alert's title can never become
// markup. Pure.

#include <string>
#include <string_view>

namespace tocsin::http {

// & < > " ' as entities; everything else as is (the page is UTF-8).
std::string html_escape(std::string_view text);

}  // namespace tocsin::http
