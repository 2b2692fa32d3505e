#pragma once
// A value or an error_code, for I/O boundaries, where the daemon does not throw
// (daemon/README.md, "Errors"). std::expected arrives only with C++23.

#include <cassert>
#include <optional>
#include <system_error>
#include <utility>

namespace tocsin {

template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}            // NOLINT: implicit by design
  Result(std::error_code ec) : error_(ec) { assert(ec); }  // NOLINT

  explicit operator bool() const { return value_.has_value(); }
  bool has_value() const { return value_.has_value(); }
  std::error_code error() const { return error_; }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  std::error_code error_;
};

}  // namespace tocsin
