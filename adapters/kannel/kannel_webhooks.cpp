// KannelGateway's webhooks: delivery reports on the dlr-url build() sets, and members'
// replies on the sms-service get-url. Both carry our shared secret in their query.

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "adapters/kannel/kannel_gateway.h"
#include "config/quote.h"

namespace tocsin::adapters {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

// Longer ids are not ours (kannel_message_id makes 16 hex digits); the limit keeps a
// forged-but-authentic call from filling a log line.
constexpr size_t kMaxIdLength = 64;
constexpr size_t kMaxQuoted = 16;

// Kannel calls with GET (query); a proxy or a hand-made test may POST a form.
const std::string* find_param(const CallbackRequest& request, std::string_view name) {
  for (const Params* params : {&request.query, &request.form}) {
    for (const auto& [key, value] : *params) {
      if (key == name) return &value;
    }
  }
  return nullptr;
}

std::array<unsigned char, 32> sha256(std::string_view data) {
  std::array<unsigned char, 32> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return digest;
}

// Compares digests, so the time taken says nothing about the secret: neither how many
// leading bytes matched nor its length.
bool same_secret(std::string_view given, std::string_view expected) {
  const auto a = sha256(given);
  const auto b = sha256(expected);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// A value Kannel sent, for a reason: its first kMaxQuoted bytes, quoted, with bytes outside
// ASCII shown as '?'. Cut anywhere, or not UTF-8 at all, they would make the reason
// invalid UTF-8, and a reason goes into the JSON answer and a log line.
std::string quoted_ascii(std::string_view value) {
  std::string ascii(value.substr(0, kMaxQuoted));
  for (char& c : ascii) {
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  return config::in_quotes(ascii);
}

bool valid_id(const std::string& id) {
  return !id.empty() && id.size() <= kMaxIdLength && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
  });
}

struct DlrType {
  ReceiptState state;
  const char* word;  // provider_status
};

// Kannel's DLR types (gw/dlr.h). 32 ("intermediate", newer Kannels relaying SMPP ENROUTE
// and the like) says no more than "on its way".
std::optional<DlrType> dlr_type(int type) {
  switch (type) {
    case 1:
      return DlrType{ReceiptState::delivered, "delivered"};
    case 2:
      return DlrType{ReceiptState::failed, "undelivered"};
    case 4:
      return DlrType{ReceiptState::queued, "buffered"};
    case 8:
      return DlrType{ReceiptState::sent, "smsc accepted"};
    case 16:
      return DlrType{ReceiptState::failed, "smsc rejected"};
    case 32:
      return DlrType{ReceiptState::queued, "intermediate"};
    default:
      return std::nullopt;
  }
}

// The "err:NNN" field of an SMPP delivery receipt text ("id:.. sub:001 dlvrd:000 ...
// stat:UNDELIV err:001 text:..."), which Kannel passes as %A. Only that field is kept: the
// rest of the text quotes the start of the message.
std::string smpp_error_code(std::string_view reply) {
  const size_t at = reply.find("err:");
  if (at == std::string_view::npos) return {};
  size_t end = at + 4;
  while (end < reply.size() && end - at - 4 < 8 &&
         std::isalnum(static_cast<unsigned char>(reply[end])) != 0) {
    ++end;
  }
  return std::string(reply.substr(at + 4, end - at - 4));
}

}  // namespace

std::optional<std::string> KannelGateway::secret_problem(const CallbackRequest& request) const {
  const std::string* secret = find_param(request, "secret");
  if (secret == nullptr || secret->empty()) return "no secret";
  if (!same_secret(*secret, settings_.webhook_secret)) return "wrong secret";
  return std::nullopt;
}

Parsed<DeliveryReceipt> KannelGateway::parse_status(const CallbackRequest& request) const {
  using Result = Parsed<DeliveryReceipt>;
  if (auto problem = secret_problem(request)) return Result::fail(CallbackError::forged, *problem);
  const std::string* id = find_param(request, "id");
  if (id == nullptr || id->empty()) return Result::fail(CallbackError::malformed, "no id");
  if (!valid_id(*id)) {
    return Result::fail(CallbackError::malformed,
                        "bad id " + quoted_ascii(*id));
  }
  const std::string* type_text = find_param(request, "type");
  if (type_text == nullptr || type_text->empty()) {
    return Result::fail(CallbackError::malformed, "no type");
  }
  int type = 0;
  const char* end = type_text->data() + type_text->size();
  const auto [stop, error] = std::from_chars(type_text->data(), end, type);
  const auto known = (error == std::errc{} && stop == end) ? dlr_type(type) : std::nullopt;
  if (!known) {
    return Result::fail(CallbackError::malformed,
                        "unknown type " + quoted_ascii(*type_text));
  }
  DeliveryReceipt receipt;
  receipt.message_id = *id;
  receipt.state = known->state;
  receipt.provider_status = known->word;
  if (known->state == ReceiptState::failed) {
    if (const std::string* reply = find_param(request, "smsc_reply")) {
      receipt.error_code = smpp_error_code(*reply);
    }
  }
  return Result::ok(std::move(receipt));
}

Parsed<InboundMessage> KannelGateway::parse_inbound(const CallbackRequest& request) const {
  using Result = Parsed<InboundMessage>;
  if (auto problem = secret_problem(request)) return Result::fail(CallbackError::forged, *problem);
  const std::string* from = find_param(request, "from");
  if (from == nullptr || from->empty()) return Result::fail(CallbackError::malformed, "no from");
  // Present but empty is a reply with no words (%a of an empty SMS); absent is a get-url
  // that forgot text=%a.
  const std::string* text = find_param(request, "text");
  if (text == nullptr) return Result::fail(CallbackError::malformed, "no text");
  InboundMessage inbound;
  inbound.from = *from;
  if (const std::string* to = find_param(request, "to")) inbound.to = *to;
  inbound.text = *text;
  if (const std::string* id = find_param(request, "id"); id != nullptr && valid_id(*id)) {
    inbound.provider_message_id = *id;
  }
  return Result::ok(std::move(inbound));
}

}  // namespace tocsin::adapters
