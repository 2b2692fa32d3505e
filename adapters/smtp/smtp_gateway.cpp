#include "adapters/smtp/smtp_gateway.h"

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <system_error>

namespace tocsin::adapters {
namespace {

constexpr std::chrono::milliseconds kDefaultTimeout{30'000};
constexpr int kMinTimeoutMs = 100;
constexpr int kMaxTimeoutMs = 300'000;
// A link longer than this is left out of List-Unsubscribe rather than risk the header
// line passing SMTP's 998 octets.
constexpr size_t kMaxHeaderUriLength = 900;

std::string hex_sha256(std::string_view text, size_t bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < std::min<size_t>(bytes, length); ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

std::string domain_of(const std::string& address) {
  return address.substr(address.find('@') + 1);
}

// Percent-encodes with libcurl (a NULL handle is allowed since 7.82).
std::string url_escape(std::string_view text) {
  std::unique_ptr<char, decltype(&curl_free)> escaped(
      curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), &curl_free);
  return escaped ? std::string(escaped.get()) : std::string();
}

// RFC 6068: the address's two halves escaped, "@" kept.
std::string mailto_unsubscribe(const std::string& address) {
  const size_t at = address.find('@');
  return "mailto:" + url_escape(std::string_view(address).substr(0, at)) + "@" +
         url_escape(std::string_view(address).substr(at + 1)) + "?subject=unsubscribe";
}

// A URI we can put between angle brackets in a header as it is.
bool header_safe_uri(std::string_view uri) {
  if (uri.empty() || uri.size() > kMaxHeaderUriLength) return false;
  return std::all_of(uri.begin(), uri.end(), [](char c) {
    return c > ' ' && c < 0x7f && c != '<' && c != '>' && c != '"';
  });
}

// "5.1.1" from "550 5.1.1 Mailbox unavailable" (RFC 3463 enhanced status codes), or empty.
std::string enhanced_status(std::string_view reply) {
  if (reply.size() < 5) return {};
  reply.remove_prefix(4);  // "550 " or "550-"
  size_t end = 0;
  int parts = 0;
  while (end < reply.size() && parts < 3) {
    size_t digits = 0;
    while (end < reply.size() && std::isdigit(static_cast<unsigned char>(reply[end]))) {
      ++end;
      ++digits;
    }
    if (digits == 0 || digits > 3) return {};
    ++parts;
    if (parts < 3) {
      if (end >= reply.size() || reply[end] != '.') return {};
      ++end;
    }
  }
  if (parts != 3 || (end < reply.size() && reply[end] != ' ')) return {};
  return std::string(reply.substr(0, end));
}

std::string reply_reason(const GatewayResponse& response) {
  std::string reason = "SMTP " + std::to_string(response.http_status);
  if (response.body.rfind(std::to_string(response.http_status), 0) == 0) {
    if (std::string status = enhanced_status(response.body); !status.empty()) {
      reason += " " + status;
    }
  }
  return reason;
}

// 5xx replies that refuse our session (syntax, sequence, authentication, encryption), not
// the recipient: every member would get them until the configuration is fixed.
bool refuses_session(int code) {
  switch (code) {
    case 500:
    case 502:
    case 503:
    case 504:
    case 530:
    case 534:
    case 535:
    case 538:
      return true;
    default:
      return false;
  }
}

// The TLS failures name the setting to look at; the rest get libcurl's fixed description,
// not its error buffer, which may quote the server.
std::string transport_reason(CURLcode code) {
  switch (code) {
    case CURLE_USE_SSL_FAILED:
      return "SMTP server offers no STARTTLS and smtp.require_tls is set: nothing was sent";
    case CURLE_PEER_FAILED_VERIFICATION:
      return "SMTP server's certificate is not trusted (smtp.ca_file?) or names another host";
    default:
      return std::string("SMTP transport: ") + curl_easy_strerror(code);
  }
}

dispatch::SendResult result_of(dispatch::Outcome outcome, std::string reason) {
  dispatch::SendResult result;
  result.outcome = outcome;
  result.reason = std::move(reason);
  return result;
}

// --- the factory ---------------------------------------------------------------------

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlString {
  char* text = nullptr;
  ~CurlString() { curl_free(text); }
};

// The URL as libcurl will read it: smtp or smtps, a host, and nothing that does not belong
// there (credentials go in username/password, where secrets are read from a Secret).
bool check_url(const std::string& url, std::string* scheme_out, std::string* error) {
  if (url.empty()) {
    *error = "smtp.url: required (smtp://host:port or smtps://host:port)";
    return false;
  }
  std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
  if (CURLUcode code =
          curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME);
      code != CURLUE_OK) {
    *error = std::string("smtp.url: not a URL (") + curl_url_strerror(code) + ")";
    return false;
  }
  CurlString scheme;
  curl_url_get(parsed.get(), CURLUPART_SCHEME, &scheme.text, 0);
  const std::string scheme_name = scheme.text != nullptr ? scheme.text : "";
  if (scheme_name != "smtp" && scheme_name != "smtps") {
    *error = "smtp.url: expected smtp:// or smtps://, got \"" + scheme_name + "://\"";
    return false;
  }
  CurlString part;
  if (curl_url_get(parsed.get(), CURLUPART_USER, &part.text, 0) == CURLUE_OK) {
    *error = "smtp.url: must not hold credentials (use smtp.username and smtp.password)";
    return false;
  }
  CurlString query;
  CurlString fragment;
  if (curl_url_get(parsed.get(), CURLUPART_QUERY, &query.text, 0) == CURLUE_OK ||
      curl_url_get(parsed.get(), CURLUPART_FRAGMENT, &fragment.text, 0) == CURLUE_OK) {
    *error = "smtp.url: must not have a query or fragment";
    return false;
  }
  *scheme_out = scheme_name;  // lowercase, whatever the config's spelling
  return true;
}

// The CA file is read by libcurl at each new connection, where a mistake would only show
// as failed sends; read it once here with OpenSSL so a wrong path or a file that is not a
// PEM bundle stops the daemon at startup instead.
bool check_ca_file(const std::string& path, std::string* error) {
  struct StoreDeleter {
    void operator()(X509_STORE* store) const { X509_STORE_free(store); }
  };
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(path, ignored)) {
    *error = "smtp.ca_file: \"" + path + "\" is not a readable file";
    return false;
  }
  std::unique_ptr<X509_STORE, StoreDeleter> store(X509_STORE_new());
  ERR_clear_error();
  const bool loaded = store && X509_STORE_load_file(store.get(), path.c_str()) == 1;
  const bool has_certificate =
      loaded && sk_X509_OBJECT_num(X509_STORE_get0_objects(store.get())) > 0;
  ERR_clear_error();  // OpenSSL's queue is per thread: leave nothing for libcurl to misread
  if (!has_certificate) {
    *error = "smtp.ca_file: \"" + path + "\" holds no PEM certificate (or cannot be read)";
    return false;
  }
  return true;
}

std::unique_ptr<Gateway> make_smtp_gateway(const config::GatewayConfig& entry,
                                           const FactoryContext& context, std::string* error) {
  const config::SmtpGatewayConfig& smtp = entry.smtp();
  SmtpSettings settings;
  std::string scheme;
  if (!check_url(smtp.url(), &scheme, error)) return nullptr;
  settings.url = smtp.url();

  if (smtp.from().empty()) {
    *error = "smtp.from: required (\"Name <address>\" or an address)";
    return nullptr;
  }
  std::string why;
  auto from = mime::parse_mailbox(smtp.from(), &why);
  if (!from) {
    *error = "smtp.from: " + why;
    return nullptr;
  }
  settings.from = std::move(*from);

  settings.unsubscribe_mailto = smtp.unsubscribe_mailto();
  if (settings.unsubscribe_mailto.empty()) {
    settings.unsubscribe_mailto = settings.from.address;
  } else if (!mime::is_valid_address(settings.unsubscribe_mailto, &why)) {
    *error = "smtp.unsubscribe_mailto: not a valid address (" + why + ")";
    return nullptr;
  }

  const bool has_password =
      smtp.has_password() && smtp.password().source_case() != config::Secret::SOURCE_NOT_SET;
  if (has_password != !smtp.username().empty()) {
    *error = smtp.username().empty() ? "smtp.username: required with smtp.password"
                                     : "smtp.password: required with smtp.username";
    return nullptr;
  }
  if (has_password) {
    if (!context.secret) {
      *error = "smtp.password: no secret resolver";
      return nullptr;
    }
    settings.username = smtp.username();
    settings.password = context.secret(smtp.password(), "smtp.password");
  }

  // smtps:// is TLS from the first byte; on smtp:// the envelope asks libcurl to insist
  // on STARTTLS.
  settings.require_tls = smtp.require_tls();
  if (has_password && scheme == "smtp" && !settings.require_tls) {
    // Without require_tls libcurl never tries STARTTLS, and AUTH PLAIN or LOGIN would carry
    // the password in clear.
    *error =
        "smtp.password: would be sent in clear on smtp://; set require_tls (STARTTLS) or use "
        "smtps://";
    return nullptr;
  }
  if (!smtp.ca_file().empty()) {
    if (!check_ca_file(smtp.ca_file(), error)) return nullptr;
    settings.ca_file = smtp.ca_file();
  }

  if (smtp.timeout_ms() == 0) {
    settings.timeout = kDefaultTimeout;
  } else if (smtp.timeout_ms() < kMinTimeoutMs || smtp.timeout_ms() > kMaxTimeoutMs) {
    *error =
        "smtp.timeout_ms: must be between 100 and 300000, got " + std::to_string(smtp.timeout_ms());
    return nullptr;
  } else {
    settings.timeout = std::chrono::milliseconds(smtp.timeout_ms());
  }
  return std::make_unique<SmtpGateway>(entry.name(), entry.rate_per_second(), std::move(settings));
}

}  // namespace

SmtpGateway::SmtpGateway(std::string name, double rate_per_second, SmtpSettings settings,
                         Clock clock)
    : Gateway(std::move(name), "email", rate_per_second),
      settings_(std::move(settings)),
      clock_(clock ? std::move(clock) : Clock(&std::chrono::system_clock::now)),
      mailto_uri_(mailto_unsubscribe(settings_.unsubscribe_mailto.empty()
                                         ? settings_.from.address
                                         : settings_.unsubscribe_mailto)) {}

std::string SmtpGateway::message_id(const OutgoingMessage& message) const {
  const std::string key = message.idempotency_key.empty()
                              ? message.alert_id + ":" + message.member_id + ":email"
                              : message.idempotency_key;
  return "tocsin." + hex_sha256(key, 16) + "@" + domain_of(settings_.from.address);
}

std::vector<std::string> SmtpGateway::unsubscribe_headers(const OutgoingMessage& message) const {
  std::vector<std::string> uris = {"<" + mailto_uri_ + ">"};
  const bool has_link = header_safe_uri(message.rsvp_link);
  if (has_link) uris.push_back("<" + message.rsvp_link + ">");
  std::vector<std::string> headers = {mime::list_header("List-Unsubscribe", uris)};
  // RFC 8058 one-click: mail providers POST "List-Unsubscribe=One-Click" to the https
  // link, and only to an https one.
  if (has_link && message.rsvp_link.rfind("https://", 0) == 0) {
    headers.push_back("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
  }
  return headers;
}

GatewayRequest SmtpGateway::build(const OutgoingMessage& message) const {
  SmtpEnvelope envelope;
  envelope.mail_from = settings_.from.address;
  envelope.rcpt = {message.to};
  if (!mime::is_valid_address(message.to)) return envelope;  // no URL: see the header
  envelope.url = settings_.url;
  envelope.require_tls = settings_.require_tls;
  envelope.username = settings_.username;
  envelope.password = settings_.password;
  envelope.ca_file = settings_.ca_file;
  envelope.timeout = settings_.timeout;

  mime::MessageParts parts;
  parts.from = settings_.from;
  parts.to = message.to;
  parts.subject = message.email_subject;
  parts.date = mime::rfc5322_date(clock_());
  parts.message_id = message_id(message);
  parts.language = message.language;
  // RFC 3834: a bulk alert is generated, not written to this member, so vacation and
  // out-of-office responders must not answer it: 150,000 of them would bury the union's
  // mailbox (the From and the default unsubscribe address). Exchange ignores
  // Auto-Submitted and reads its own header. A member's own reply is unaffected.
  parts.extra_headers.push_back("Auto-Submitted: auto-generated\r\n");
  parts.extra_headers.push_back("X-Auto-Response-Suppress: OOF, AutoReply\r\n");
  for (auto& header : unsubscribe_headers(message))
    parts.extra_headers.push_back(std::move(header));
  parts.text = message.text;
  parts.html = message.email_html.empty()
                   ? mime::html_from_text(message.text, message.language, message.email_subject)
                   : message.email_html;
  // "=_" never occurs in quoted-printable, so the boundary cannot occur in either part.
  parts.boundary = "=_tocsin_" + hex_sha256("boundary:" + parts.message_id, 12);
  envelope.message = mime::build_message(parts);
  return envelope;
}

dispatch::SendResult SmtpGateway::classify(const OutgoingMessage& message,
                                           const GatewayResponse& response) const {
  using dispatch::Outcome;
  std::string why;
  if (!mime::is_valid_address(message.to, &why)) {
    return result_of(Outcome::permanent, "invalid recipient address (" + why + ")");
  }
  const int code = response.http_status;
  if (response.transport_error == 0 && !response.timed_out && code >= 200 && code < 300) {
    // Our Message-ID rather than the server's queue id: we know it before sending, it is
    // the same on every retry and every server, and it is what bounces and replies quote
    // (References, In-Reply-To). Queue ids differ in form per server or are absent.
    dispatch::SendResult result = result_of(Outcome::accepted, {});
    result.message_id = message_id(message);
    return result;
  }
  if (response.timed_out) {
    return result_of(Outcome::temporary, "SMTP timed out");
  }
  if (code >= 400 && code < 500) return result_of(Outcome::temporary, reply_reason(response));
  if (code >= 500 && code < 600) {
    if (code == 535) {
      // Like a Twilio 401: our credentials are wrong for every member alike.
      return result_of(Outcome::temporary,
                       reply_reason(response) +
                           " (the server refused our login: check smtp.username and "
                           "smtp.password)");
    }
    if (refuses_session(code)) {
      return result_of(Outcome::temporary,
                       reply_reason(response) + " (the server refused our session)");
    }
    return result_of(Outcome::permanent, reply_reason(response));
  }
  if (response.transport_error != 0) {
    return result_of(Outcome::temporary,
                     transport_reason(static_cast<CURLcode>(response.transport_error)));
  }
  return result_of(Outcome::temporary, "unexpected SMTP reply " + std::to_string(code));
}

void register_smtp_gateway(GatewayRegistry& registry) {
  registry.add(config::GatewayConfig::kSmtp, "smtp", &make_smtp_gateway);
}

}  // namespace tocsin::adapters
