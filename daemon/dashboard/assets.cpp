#include "dashboard/assets.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "dashboard/embedded_files.h"

namespace tocsin::dashboard {
namespace {

// Built once, on first use, from the generated table.
const std::map<std::string_view, Asset>& assets() {
  static const std::map<std::string_view, Asset> table = [] {
    std::map<std::string_view, Asset> built;
    for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
      const EmbeddedFile& file = kEmbeddedFiles[i];
      Asset asset{content_type_for(file.name), file.bytes, file.etag, gzip(file.bytes), ""};
      if (asset.gzip.empty() || asset.gzip.size() >= asset.bytes.size()) {
        asset.gzip.clear();
      } else {
        // "<hex>" -> "<hex>-gzip"
        asset.gzip_etag = std::string(file.etag.substr(0, file.etag.size() - 1)) + "-gzip\"";
      }
      built.emplace(file.name, std::move(asset));
    }
    return built;
  }();
  return table;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string_view content_type_for(std::string_view name) {
  // The types browsers need to run and style the page under X-Content-Type-Options:
  // nosniff (a module script with another type is refused).
  static const std::map<std::string_view, std::string_view> by_extension = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
  };
  const size_t dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    if (auto found = by_extension.find(name.substr(dot)); found != by_extension.end()) {
      return found->second;
    }
  }
  return "application/octet-stream";
}

const Asset* find_asset(std::string_view name) {
  const auto& table = assets();
  auto found = table.find(name);
  return found == table.end() ? nullptr : &found->second;
}

bool accepts_gzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    const size_t comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    std::string_view parameters;
    if (const size_t semicolon = item.find(';'); semicolon != std::string_view::npos) {
      parameters = trim(item.substr(semicolon + 1));
      item = item.substr(0, semicolon);
    }
    item = trim(item);
    const bool named =
        item.size() == 4 && std::equal(item.begin(), item.end(), "gzip", [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        });
    if (named || item == "*") {
      // "q=0", "q=0.0", "q=0.000": refused; any other weight accepts.
      const bool refused = parameters.size() >= 3 &&
                           (parameters[0] == 'q' || parameters[0] == 'Q') && parameters[1] == '=' &&
                           parameters.substr(2).find_first_not_of("0.") == std::string_view::npos;
      return !refused;
    }
    if (comma == std::string_view::npos) break;
    accept_encoding.remove_prefix(comma + 1);
  }
  return false;
}

std::string gzip(std::string_view bytes) {
  z_stream stream{};
  // 15 window bits + 16: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return "";
  }
  std::string out(deflateBound(&stream, bytes.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return result == Z_STREAM_END ? out : "";
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (trim(if_none_match) == "*") return true;
  while (!if_none_match.empty()) {
    const size_t comma = if_none_match.find(',');
    std::string_view tag = trim(if_none_match.substr(0, comma));
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (!tag.empty() && tag == etag) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace tocsin::dashboard
