#include "tests/support/twilio_server.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "adapters/json_escape.h"
#include "adapters/twilio/twilio_signature.h"
#include "alerts/sms_encoding.h"

namespace tocsin::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(data.data()),
                                     static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(length));
  return out;
}

// application/x-www-form-urlencoded: '+' is a space, the rest is libcurl's percent-decoding.
std::string form_decode(std::string_view text) {
  std::string input(text);
  std::replace(input.begin(), input.end(), '+', ' ');
  int length = 0;
  char* decoded =
      curl_easy_unescape(nullptr, input.data(), static_cast<int>(input.size()), &length);
  if (decoded == nullptr) return {};
  std::string out(decoded, static_cast<size_t>(length));
  curl_free(decoded);
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    char* escaped = curl_easy_escape(nullptr, value.data(), static_cast<int>(value.size()));
    out += name + "=" + (escaped ? escaped : "");
    curl_free(escaped);
  }
  return out;
}

// Twilio's error body: {"code": 21211, "message": "...", "more_info": "...", "status": 400}.
HttpReply twilio_error(int status, int code, const std::string& message) {
  HttpReply reply;
  reply.status = status;
  reply.body = "{\"code\": " + std::to_string(code) + ", \"message\": ";
  adapters::append_json_string(&reply.body, message);
  reply.body += ", \"more_info\": \"https://www.twilio.com/docs/errors/" + std::to_string(code) +
                "\", \"status\": " + std::to_string(status) + "}";
  return reply;
}

bool is_e164(const std::string& number) {
  return number.size() >= 9 && number.size() <= 16 && number[0] == '+' &&
         std::all_of(number.begin() + 1, number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

uint64_t random_prefix() {
  uint64_t value = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value);
  return value;
}

size_t window_of(Clock::time_point started, Clock::time_point now) {
  return static_cast<size_t>(
      std::chrono::duration_cast<std::chrono::seconds>(now - started).count());
}

void count_in(std::vector<uint64_t>* windows, size_t window, uint64_t amount) {
  if (windows->size() <= window) windows->resize(window + 1, 0);
  (*windows)[window] += amount;
}

// The decoded value of a form field, if the body has it.
std::optional<std::string> form_field(std::string_view body, std::string_view wanted) {
  while (!body.empty()) {
    const std::string_view pair = body.substr(0, body.find('&'));
    body.remove_prefix(std::min(body.size(), pair.size() + 1));
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == wanted) {
      return eq == std::string_view::npos ? "" : form_decode(pair.substr(eq + 1));
    }
  }
  return std::nullopt;
}

}  // namespace

TwilioServer::TwilioServer(TwilioServerOptions options)
    : options_(std::move(options)),
      messages_path_("/2010-04-01/Accounts/" + options_.account_sid + "/Messages.json"),
      expected_authorization_("Basic " + base64(options_.account_sid + ":" + options_.auth_token)),
      started_(Clock::now()),
      sid_prefix_(random_prefix()),
      callbacks_on_(options_.send_status_callbacks) {
  callback_thread_ = std::thread([this] { callback_loop(); });
  http_ = std::make_unique<EpollHttpServer>(
      [this](const HttpExchange& exchange) { return handle(exchange); });
}

TwilioServer::~TwilioServer() {
  http_.reset();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  callback_wakeup_.notify_all();
  callback_thread_.join();
}

std::string TwilioServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

void TwilioServer::set_rate_limit(int segments_per_second) {
  std::lock_guard lock(mutex_);
  rate_limit_ = segments_per_second;
}

void TwilioServer::set_mode(Mode mode, int retry_after_seconds) {
  std::lock_guard lock(mutex_);
  mode_ = mode;
  retry_after_seconds_ = retry_after_seconds;
}

void TwilioServer::set_opted_out(std::set<std::string> numbers) {
  std::lock_guard lock(mutex_);
  opted_out_ = std::move(numbers);
}

void TwilioServer::set_landlines(std::set<std::string> numbers) {
  std::lock_guard lock(mutex_);
  landlines_ = std::move(numbers);
}

void TwilioServer::set_status_callbacks(bool on) {
  std::lock_guard lock(mutex_);
  callbacks_on_ = on;
}

void TwilioServer::set_latency(std::chrono::milliseconds latency,
                               std::chrono::milliseconds jitter) {
  std::lock_guard lock(mutex_);
  latency_ = latency;
  jitter_ = std::min(jitter, latency);
}

HttpReply TwilioServer::handle(const HttpExchange& exchange) {
  HttpReply reply = answer(exchange);
  std::lock_guard lock(mutex_);
  if (latency_.count() > 0 && !reply.hang) {
    std::uniform_int_distribution<int64_t> spread(-jitter_.count() * 1000, jitter_.count() * 1000);
    reply.delay = std::chrono::microseconds(latency_.count() * 1000 + spread(random_));
  }
  return reply;
}

HttpReply TwilioServer::answer(const HttpExchange& exchange) {
  const std::string_view path = exchange.target.substr(0, exchange.target.find('?'));
  if (path != messages_path_) {
    return twilio_error(404, 20404, "The requested resource was not found");
  }
  if (exchange.method != "POST") return twilio_error(405, 20004, "Method not allowed");
  if (exchange.header("Authorization") != expected_authorization_) {
    return twilio_error(401, 20003, "Authenticate");
  }
  {
    std::lock_guard lock(mutex_);
    switch (mode_) {
      case Mode::ok:
        break;
      case Mode::fail_500:
        return twilio_error(500, 20500, "An internal server error has occurred");
      case Mode::throttle_429: {
        ++rejected_;
        HttpReply reply = twilio_error(429, 20429, "Too Many Requests");
        reply.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds_));
        return reply;
      }
      case Mode::hang: {
        // Read, never answered: the client cannot tell whether it was sent.
        if (auto to = form_field(exchange.body, "To")) hung_numbers_.insert(*to);
        HttpReply reply;
        reply.hang = true;
        return reply;
      }
    }
  }

  Message message;
  std::string_view rest = exchange.body;
  while (!rest.empty()) {
    const std::string_view pair = rest.substr(0, rest.find('&'));
    rest.remove_prefix(std::min(rest.size(), pair.size() + 1));
    const size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    std::string value = eq == std::string_view::npos ? "" : form_decode(pair.substr(eq + 1));
    if (name == "To")
      message.to = std::move(value);
    else if (name == "From")
      message.from = std::move(value);
    else if (name == "MessagingServiceSid")
      message.messaging_service_sid = std::move(value);
    else if (name == "Body")
      message.body = std::move(value);
    else if (name == "StatusCallback")
      message.status_callback = std::move(value);
    else if (name == "ValidityPeriod")
      message.validity_period = std::move(value);
  }
  if (message.to.empty()) return twilio_error(400, 21604, "A 'To' phone number is required.");
  if (message.from.empty() && message.messaging_service_sid.empty()) {
    return twilio_error(400, 21603, "A 'From' phone number is required.");
  }
  if (message.body.empty()) return twilio_error(400, 21602, "Message body is required.");
  if (!is_e164(message.to)) {
    return twilio_error(400, 21211,
                        "The 'To' number " + message.to + " is not a valid phone number.");
  }
  return accept(std::move(message));
}

HttpReply TwilioServer::accept(Message message) {
  message.segments = static_cast<int>(alerts::measure_sms(message.body).segments);
  message.arrived = Clock::now();
  const size_t window = window_of(started_, message.arrived);
  {
    std::lock_guard lock(mutex_);
    if (opted_out_.contains(message.to)) {
      return twilio_error(400, 21610, "Attempt to send to unsubscribed recipient");
    }
    if (landlines_.contains(message.to)) {
      return twilio_error(400, 21614, "'To' number is not a valid mobile number");
    }
    if (rate_limit_ > 0) {
      const uint64_t used = window < segments_per_second_.size() ? segments_per_second_[window] : 0;
      if (used + static_cast<uint64_t>(message.segments) > static_cast<uint64_t>(rate_limit_)) {
        ++rejected_;
        HttpReply reply = twilio_error(429, 20429, "Too Many Requests");
        reply.headers.emplace_back("Retry-After", "1");
        return reply;
      }
    }
    char sid[35];
    std::snprintf(sid, sizeof sid, "SM%016llx%016llx", static_cast<unsigned long long>(sid_prefix_),
                  static_cast<unsigned long long>(next_sid_++));
    message.sid = sid;
    ++accepted_;
    ++per_number_[message.to];
    accepted_segments_ += static_cast<uint64_t>(message.segments);
    count_in(&messages_per_second_, window, 1);
    count_in(&segments_per_second_, window, static_cast<uint64_t>(message.segments));
    if (callbacks_on_ && !message.status_callback.empty()) {
      callback_queue_.push_back(message);
      callback_wakeup_.notify_one();
    }
    if (options_.record_messages) messages_.push_back(message);
  }

  // Twilio's answer, in its field order (abridged), so a client parses a realistic body.
  const std::string uri =
      "/2010-04-01/Accounts/" + options_.account_sid + "/Messages/" + message.sid;
  HttpReply reply;
  reply.status = 201;
  std::string& out = reply.body;
  out.reserve(700 + message.body.size());
  out += "{\"account_sid\": \"" + options_.account_sid +
         "\", \"api_version\": \"2010-04-01\", \"body\": ";
  adapters::append_json_string(&out, message.body);
  out +=
      ", \"date_created\": \"Thu, 01 Jan 2026 00:00:00 +0000\", \"date_sent\": null, "
      "\"date_updated\": \"Thu, 01 Jan 2026 00:00:00 +0000\", \"direction\": \"outbound-api\", "
      "\"error_code\": null, \"error_message\": null, \"from\": ";
  if (message.from.empty()) {
    out += "null";
  } else {
    adapters::append_json_string(&out, message.from);
  }
  out += ", \"messaging_service_sid\": ";
  if (message.messaging_service_sid.empty()) {
    out += "null";
  } else {
    adapters::append_json_string(&out, message.messaging_service_sid);
  }
  out += ", \"num_media\": \"0\", \"num_segments\": \"" + std::to_string(message.segments) +
         "\", \"price\": null, \"price_unit\": \"USD\", \"sid\": \"" + message.sid +
         "\", \"status\": \"queued\", \"subresource_uris\": {\"media\": \"" + uri +
         "/Media.json\"}, \"to\": ";
  adapters::append_json_string(&out, message.to);
  out += ", \"uri\": \"" + uri + ".json\"}";
  return reply;
}

std::vector<TwilioServer::Message> TwilioServer::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

uint64_t TwilioServer::accepted() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

uint64_t TwilioServer::accepted_segments() const {
  std::lock_guard lock(mutex_);
  return accepted_segments_;
}

std::vector<uint64_t> TwilioServer::messages_per_second() const {
  std::lock_guard lock(mutex_);
  return messages_per_second_;
}

std::vector<uint64_t> TwilioServer::segments_per_second() const {
  std::lock_guard lock(mutex_);
  return segments_per_second_;
}

uint64_t TwilioServer::max_segments_in_window(std::chrono::milliseconds window) const {
  std::lock_guard lock(mutex_);
  uint64_t best = 0;
  uint64_t in_window = 0;
  size_t first = 0;
  // Arrival times are in order: the loop thread records them as it answers.
  for (size_t last = 0; last < messages_.size(); ++last) {
    in_window += static_cast<uint64_t>(messages_[last].segments);
    while (messages_[last].arrived - messages_[first].arrived >= window) {
      in_window -= static_cast<uint64_t>(messages_[first].segments);
      ++first;
    }
    best = std::max(best, in_window);
  }
  return best;
}

std::map<std::string, uint64_t> TwilioServer::accepted_per_number() const {
  std::lock_guard lock(mutex_);
  return per_number_;
}

std::set<std::string> TwilioServer::hung_numbers() const {
  std::lock_guard lock(mutex_);
  return hung_numbers_;
}

std::chrono::milliseconds TwilioServer::longest_pause_after(
    std::chrono::steady_clock::time_point since) const {
  std::chrono::milliseconds pause{0};
  auto previous = since;
  for (const auto& message : messages()) {
    if (message.arrived <= since) continue;
    pause = std::max(
        pause, std::chrono::duration_cast<std::chrono::milliseconds>(message.arrived - previous));
    previous = message.arrived;
  }
  return pause;
}

uint64_t TwilioServer::duplicates() const {
  std::lock_guard lock(mutex_);
  uint64_t extra = 0;
  for (const auto& [number, count] : per_number_) extra += count - 1;
  return extra;
}

uint64_t TwilioServer::rejected() const {
  std::lock_guard lock(mutex_);
  return rejected_;
}

uint64_t TwilioServer::requests() const {
  return http_->requests();
}

std::vector<TwilioServer::Callback> TwilioServer::callbacks() const {
  std::lock_guard lock(mutex_);
  return callbacks_;
}

void TwilioServer::callback_loop() {
  // One easy handle for the thread's life: its connection is reused from one callback to
  // the next, as Twilio's would be.
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  for (;;) {
    Message message;
    {
      std::unique_lock lock(mutex_);
      callback_wakeup_.wait(lock, [this] { return stopping_ || !callback_queue_.empty(); });
      if (stopping_) return;
      message = std::move(callback_queue_.front());
      callback_queue_.pop_front();
    }
    post_callback(curl.get(), message, "sent");
    post_callback(curl.get(), message, "delivered");
  }
}

void TwilioServer::post_callback(void* handle, const Message& message, const std::string& status) {
  CURL* curl = static_cast<CURL*>(handle);
  // What Twilio posts for an outgoing SMS, all of it signed.
  const std::vector<std::pair<std::string, std::string>> params = {
      {"SmsSid", message.sid}, {"SmsStatus", status},       {"MessageStatus", status},
      {"To", message.to},      {"MessageSid", message.sid}, {"AccountSid", options_.account_sid},
      {"From", message.from},  {"ApiVersion", "2010-04-01"}};
  const std::string body = form_encode(params);
  const std::string signature =
      "X-Twilio-Signature: " +
      adapters::twilio::twilio_signature(options_.auth_token, message.status_callback, params);
  curl_slist* headers = curl_slist_append(nullptr, signature.c_str());
  headers = curl_slist_append(headers, "Content-Type: application/x-www-form-urlencoded");
  headers = curl_slist_append(headers, "User-Agent: TwilioProxy/1.1");
  curl_easy_setopt(curl, CURLOPT_URL, message.status_callback.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(
      curl, CURLOPT_WRITEFUNCTION,
      +[](char*, size_t size, size_t count, void*) { return size * count; });
  Callback callback{message.status_callback, message.sid, status, 0};
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &callback.http_status);
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  std::lock_guard lock(mutex_);
  callbacks_.push_back(std::move(callback));
}

}  // namespace tocsin::testing
