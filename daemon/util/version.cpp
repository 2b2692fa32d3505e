#include "util/version.h"

namespace tocsin::app {

std::string_view version() {
  return TOCSIN_VERSION;
}

}  // namespace tocsin::app
