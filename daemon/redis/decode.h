#pragma once
// Typed reading of Redis replies, the idea of Boost.Redis's response<T>: a caller names the
// shape it expects and gets typed values, or an error code, instead of reading
// reply.elements[3].str by position and checking types by hand.
//
//   auto row = redis::decode<std::tuple<std::string, int64_t, std::optional<std::string>>>(r);
//   if (!row) ...;  // Errc::server_error (-ERR) or Errc::unexpected_reply (another shape)
//   auto& [state, count, hint] = *row;
//
// What each C++ type reads:
//   Ignore                any reply but an error
//   Reply                 the reply itself, unread (but not an error)
//   bool                  an integer (0 is false) or nil (false: Lua's `return false`)
//   int64_t               an integer, or a string holding one (HGET, a Lua tostring)
//   double                a string holding a number (ZSCORE), or an integer
//   std::string           a bulk string or a status
//   std::optional<T>      nil as nullopt, anything else as T
//   std::vector<T>        an array, each element as T; nil (no entries) as empty
//   std::pair<A, B>       an array of exactly two
//   std::tuple<T...>      an array of exactly sizeof...(T), or at least that many minus one
//                         when the last is Rest<U>, which takes the remaining elements
//   std::map<K, V>        a flat array of field, value, field, value (HGETALL)
// decode_each() reads a pipeline's replies and decode_exec() a MULTI/EXEC transaction's.
// decode() with a `why` also says, in words, what did not fit (for the log: Redis's own
// error text, or "element 2: expected an integer, got a string").

#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "redis/errors.h"
#include "redis/reply.h"
#include "util/result.h"

namespace tocsin::redis {

struct Ignore {};

template <class T>
struct Rest {
  std::vector<T> values;
};

namespace decoding {

const char* type_name(Reply::Type type);

// Writes the problem into `why` (when given) and returns false.
bool mismatch(const Reply& reply, const char* expected, std::string* why);
void prefix_element(size_t index, std::string* why);
bool parse_integer(const std::string& text, int64_t& out);
bool parse_double(const std::string& text, double& out);

template <class T>
struct Reader;

template <>
struct Reader<Ignore> {
  static bool read(const Reply&, Ignore&, std::string*) { return true; }
};

template <>
struct Reader<Reply> {
  static bool read(const Reply& reply, Reply& out, std::string*) {
    out = reply;
    return true;
  }
};

template <>
struct Reader<bool> {
  static bool read(const Reply& reply, bool& out, std::string* why) {
    if (reply.type == Reply::Type::nil) return out = false, true;
    if (reply.type == Reply::Type::integer) return out = reply.integer != 0, true;
    return mismatch(reply, "an integer or nil", why);
  }
};

template <>
struct Reader<int64_t> {
  static bool read(const Reply& reply, int64_t& out, std::string* why) {
    if (reply.type == Reply::Type::integer) return out = reply.integer, true;
    if (reply.type == Reply::Type::string && parse_integer(reply.str, out)) return true;
    return mismatch(reply, "an integer", why);
  }
};

template <>
struct Reader<double> {
  static bool read(const Reply& reply, double& out, std::string* why) {
    if (reply.type == Reply::Type::integer) return out = static_cast<double>(reply.integer), true;
    if (reply.type == Reply::Type::string && parse_double(reply.str, out)) return true;
    return mismatch(reply, "a number", why);
  }
};

template <>
struct Reader<std::string> {
  static bool read(const Reply& reply, std::string& out, std::string* why) {
    if (reply.type == Reply::Type::string || reply.type == Reply::Type::status) {
      return out = reply.str, true;
    }
    return mismatch(reply, "a string", why);
  }
};

template <class T>
bool read_value(const Reply& reply, T& out, std::string* why) {
  if (reply.type == Reply::Type::error) return mismatch(reply, "no error", why);
  return Reader<T>::read(reply, out, why);
}

template <class T>
struct Reader<std::optional<T>> {
  static bool read(const Reply& reply, std::optional<T>& out, std::string* why) {
    if (reply.type == Reply::Type::nil) return out.reset(), true;
    T value{};
    if (!read_value(reply, value, why)) return false;
    out = std::move(value);
    return true;
  }
};

template <class T>
struct Reader<std::vector<T>> {
  static bool read(const Reply& reply, std::vector<T>& out, std::string* why) {
    out.clear();
    if (reply.type == Reply::Type::nil) return true;
    if (reply.type != Reply::Type::array) return mismatch(reply, "an array", why);
    out.resize(reply.elements.size());
    for (size_t i = 0; i < reply.elements.size(); ++i) {
      if (!read_value(reply.elements[i], out[i], why)) return prefix_element(i, why), false;
    }
    return true;
  }
};

template <class K, class V>
struct Reader<std::map<K, V>> {
  static bool read(const Reply& reply, std::map<K, V>& out, std::string* why) {
    out.clear();
    if (reply.type == Reply::Type::nil) return true;
    if (reply.type != Reply::Type::array || reply.elements.size() % 2 != 0) {
      return mismatch(reply, "an array of field and value pairs", why);
    }
    for (size_t i = 0; i < reply.elements.size(); i += 2) {
      K key{};
      V value{};
      if (!read_value(reply.elements[i], key, why)) return prefix_element(i, why), false;
      if (!read_value(reply.elements[i + 1], value, why)) return prefix_element(i + 1, why), false;
      out.insert_or_assign(std::move(key), std::move(value));
    }
    return true;
  }
};

template <class T>
struct IsRest : std::false_type {};
template <class T>
struct IsRest<Rest<T>> : std::true_type {};

template <class... T>
struct Reader<std::tuple<T...>> {
  static constexpr size_t kCount = sizeof...(T);
  static constexpr bool kHasRest =
      kCount > 0 && IsRest<std::tuple_element_t<kCount - 1, std::tuple<T..., Ignore>>>::value;

  static bool read(const Reply& reply, std::tuple<T...>& out, std::string* why) {
    if (reply.type != Reply::Type::array) return mismatch(reply, "an array", why);
    const size_t fixed = kHasRest ? kCount - 1 : kCount;
    if (kHasRest ? reply.elements.size() < fixed : reply.elements.size() != fixed) {
      if (why) {
        *why = "expected " + std::string(kHasRest ? "at least " : "") + std::to_string(fixed) +
               " elements, got " + std::to_string(reply.elements.size());
      }
      return false;
    }
    return read_all(reply, out, why, std::index_sequence_for<T...>{});
  }

 private:
  template <size_t... I>
  static bool read_all(const Reply& reply, std::tuple<T...>& out, std::string* why,
                       std::index_sequence<I...>) {
    return (read_at<I>(reply, std::get<I>(out), why) && ...);
  }
  template <size_t I, class U>
  static bool read_at(const Reply& reply, U& out, std::string* why) {
    if (!read_value(reply.elements[I], out, why)) return prefix_element(I, why), false;
    return true;
  }
  template <size_t I, class U>
  static bool read_at(const Reply& reply, Rest<U>& out, std::string* why) {
    out.values.resize(reply.elements.size() - I);
    for (size_t i = I; i < reply.elements.size(); ++i) {
      if (!read_value(reply.elements[i], out.values[i - I], why)) {
        return prefix_element(i, why), false;
      }
    }
    return true;
  }
};

template <class A, class B>
struct Reader<std::pair<A, B>> {
  static bool read(const Reply& reply, std::pair<A, B>& out, std::string* why) {
    std::tuple<A, B> both;
    if (!Reader<std::tuple<A, B>>::read(reply, both, why)) return false;
    out = {std::move(std::get<0>(both)), std::move(std::get<1>(both))};
    return true;
  }
};

}  // namespace decoding

// Reads `reply` as a T; on failure, `why` (when given) says what did not fit.
template <class T>
Result<T> decode(const Reply& reply, std::string* why = nullptr) {
  if (reply.type == Reply::Type::error) {
    if (why) *why = reply.str;
    return make_error_code(Errc::server_error);
  }
  T value{};
  if (!decoding::Reader<T>::read(reply, value, why)) return make_error_code(Errc::unexpected_reply);
  return value;
}

// The same, passing on the client's error when the command got no reply at all.
template <class T>
Result<T> decode(const Result<Reply>& reply, std::string* why = nullptr) {
  if (!reply) {
    if (why) *why = reply.error().message();
    return reply.error();
  }
  return decode<T>(*reply, why);
}

// A pipeline's replies (Client::exec_pipeline), one T per command, read as a tuple.
template <class... T>
Result<std::tuple<T...>> decode_each(const Result<std::vector<Reply>>& replies,
                                     std::string* why = nullptr) {
  if (!replies) {
    if (why) *why = replies.error().message();
    return replies.error();
  }
  Reply as_array{.type = Reply::Type::array, .elements = *replies};
  for (size_t i = 0; i < replies->size(); ++i) {
    if ((*replies)[i].is_error()) {
      if (why) *why = "command " + std::to_string(i + 1) + ": " + (*replies)[i].str;
      return make_error_code(Errc::server_error);
    }
  }
  return decode<std::tuple<T...>>(as_array, why);
}

// A MULTI ... EXEC pipeline's replies: its commands' own replies, read from EXEC's array. A
// command Redis refused while queueing makes EXEC fail (EXECABORT), a server error here.
template <class... T>
Result<std::tuple<T...>> decode_exec(const Result<std::vector<Reply>>& replies,
                                     std::string* why = nullptr) {
  if (!replies) {
    if (why) *why = replies.error().message();
    return replies.error();
  }
  if (replies->empty()) return make_error_code(Errc::unexpected_reply);
  return decode<std::tuple<T...>>(replies->back(), why);
}

// For a caller that reports a reply it cannot read (-ERR, another shape) as an error of its
// own, as it did before reading replies with decode(): `error` when the command got no
// reply (the client's error), `instead` when the reply did not fit.
inline std::error_code bad_reply_as(std::error_code error, std::error_code instead) {
  if (error == make_error_code(Errc::server_error) ||
      error == make_error_code(Errc::unexpected_reply)) {
    return instead;
  }
  return error;
}

}  // namespace tocsin::redis
