#include "util/version.h"

namespace tocsin {

std::string_view version() {
  return TOCSIN_VERSION;
}

}  // namespace tocsin
