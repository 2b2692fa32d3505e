#include "redis/errors.h"

#include <string>

namespace tocsin::redis {
namespace {

class Category : public std::error_category {
 public:
  const char* name() const noexcept override { return "redis"; }
  std::string message(int value) const override {
    switch (static_cast<Errc>(value)) {
      case Errc::not_connected:
        return "not connected to Redis";
      case Errc::connection_lost:
        return "connection to Redis lost before the reply";
      case Errc::stopped:
        return "Redis client stopped";
      case Errc::server_error:
        return "Redis answered with an error";
      case Errc::unexpected_reply:
        return "Redis's reply is not of the expected type";
    }
    return "unknown Redis client error";
  }
};

}  // namespace

const std::error_category& error_category() {
  static const Category category;
  return category;
}

std::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), error_category()};
}

}  // namespace tocsin::redis
