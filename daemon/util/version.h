#pragma once

#include <string_view>

namespace tocsin {

// The version CMake's project() declares.
std::string_view version();

}  // namespace tocsin
