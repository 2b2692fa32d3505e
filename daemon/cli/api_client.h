#pragma once
// The CLI's side of the daemon's HTTP API: blocking libcurl calls (a command does one
// thing at a time) with the bearer token, and errors turned into one clear line.

#include <stdexcept>
#include <string>

#include "http/json.h"

namespace tocsin::cli {

// A failure the command reports and exits with: `exit_code` 2 for bad input (the
// daemon said 400/404/409/413/422), 1 for the rest (unreachable, refused token, 5xx).
// `hint`: lines printed after the error, such as the command that gets past it.
class CommandError : public std::runtime_error {
 public:
  CommandError(int exit_code, const std::string& message, std::string hint = {})
      : std::runtime_error(message), exit_code_(exit_code), hint_(std::move(hint)) {}
  int exit_code() const { return exit_code_; }
  const std::string& hint() const { return hint_; }

 private:
  int exit_code_;
  std::string hint_;
};

// The daemon's refusal of a request: its status and the error body's parts, for a command
// that words a particular refusal itself.
class ApiError : public CommandError {
 public:
  ApiError(int exit_code, const std::string& message, long status, std::string error,
           std::string field, std::string body = {})
      : CommandError(exit_code, message),
        status_(status),
        error_(std::move(error)),
        field_(std::move(field)),
        body_(std::move(body)) {}
  long status() const { return status_; }
  const std::string& error() const { return error_; }  // the body's "error"
  const std::string& field() const { return field_; }  // the body's "field"
  const std::string& body() const { return body_; }    // the whole body, for richer refusals

 private:
  long status_;
  std::string error_;
  std::string field_;
  std::string body_;
};

class ApiClient {
 public:
  // base_url like "http://127.0.0.1:8080"; token may be empty for public routes.
  ApiClient(std::string base_url, std::string token);

  // The response body of a 2xx answer; throws CommandError otherwise.
  std::string get(const std::string& path) const;
  std::string post(const std::string& path, const std::string& body,
                   const std::string& content_type = "application/json") const;
  std::string put(const std::string& path, const std::string& body) const;

 private:
  std::string request(const std::string& method, const std::string& path, const std::string* body,
                      const std::string& content_type) const;

  std::string base_url_;
  std::string token_;
};

// `text` percent-encoded, for a path segment or a query value.
std::string url_escape(const std::string& text);

// A 2xx answer's body as a Message; CommandError (exit 1) when it is not one.
template <class Message>
Message parse_reply(const std::string& body) {
  Message message;
  std::string error;
  if (!http::from_json(body, &message, &error)) {
    throw CommandError(1, "unexpected answer from the daemon: " + error);
  }
  return message;
}

}  // namespace tocsin::cli
