#pragma once
// Looks up a file of the dashboard (index.html, app.js, ...) among those compiled into the
// daemon (embedded_files.h), with the Content-Type it is served with, and gzipped: the
// console's first load on a phone at 400 kbit/s is mostly its bytes. Pure.

#include <string>
#include <string_view>

namespace tocsin::dashboard {

struct Asset {
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view bytes;
  std::string_view etag;  // strong, quotes included
  // The same bytes gzipped once, at the first lookup, and their own ETag (a representation
  // of its own, as RFC 9110 asks); empty when gzip would not make them smaller.
  std::string gzip;
  std::string gzip_etag;
};

// The file of that name (no directory part), or nullptr.
const Asset* find_asset(std::string_view name);

// The Content-Type for a file name, by its extension (application/octet-stream if unknown).
std::string_view content_type_for(std::string_view name);

// Whether an Accept-Encoding header value accepts gzip ("gzip" or "*" without q=0).
bool accepts_gzip(std::string_view accept_encoding);

// `bytes` gzipped at the best compression (zlib), or "" if zlib fails.
std::string gzip(std::string_view bytes);

// Whether an If-None-Match header value names this ETag: "*", or a comma-separated list
// of entity tags, compared weakly (a W/ prefix is ignored) as RFC 9110 asks for GET.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace tocsin::dashboard
