#pragma once
// The templates the daemon starts with (config/alerts/templates/*.textpb), compiled into
// the binary at build time by daemon/dashboard/embed_assets.cmake, as the dashboard's
// files are: an installed tocsind seeds its Redis without any file beside it.

#include <cstddef>
#include <string_view>

namespace tocsin::alerts {

struct TemplateSeed {
  std::string_view name;    // the file's name: "emergency-assembly.textpb"
  std::string_view bytes;   // protobuf text format of tocsin.Alert
  std::string_view digest;  // its SHA-256's first 128 bits, quoted (unused here)
};

extern const TemplateSeed kTemplateSeeds[];
extern const size_t kTemplateSeedCount;

}  // namespace tocsin::alerts
