#include "dashboard/assets.h"

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
      built.emplace(file.name, Asset{content_type_for(file.name), file.bytes, file.etag});
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
      {".html", "text/html; charset=utf-8"},  {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"}, {".json", "application/json"},
      {".svg", "image/svg+xml"},                {".png", "image/png"},
      {".ico", "image/x-icon"},                 {".txt", "text/plain; charset=utf-8"},
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
