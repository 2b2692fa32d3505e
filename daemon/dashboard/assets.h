#pragma once
// Looks up a file of the dashboard (index.html, app.js, ...) among those compiled into the
// daemon (embedded_files.h), with the Content-Type it is served with. Pure.

#include <string_view>

namespace tocsin::dashboard {

struct Asset {
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view bytes;
  std::string_view etag;  // strong, quotes included
};

// The file of that name (no directory part), or nullptr.
const Asset* find_asset(std::string_view name);

// The Content-Type for a file name, by its extension (application/octet-stream if unknown).
std::string_view content_type_for(std::string_view name);

// Whether an If-None-Match header value names this ETag: "*", or a comma-separated list
// of entity tags, compared weakly (a W/ prefix is ignored) as RFC 9110 asks for GET.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace tocsin::dashboard
