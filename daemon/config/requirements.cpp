// The secrets a config names, found through the schema (every field of type Secret, at any
// depth), so that a secret field added to a gateway is listed without touching this file.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "config/config.h"
#include "config/quote.h"

namespace tocsin::config {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

std::string source_of(const Secret& secret) {
  switch (secret.source_case()) {
    case Secret::kEnv:
      return "environment variable " + secret.env();
    case Secret::kFile:
      return "file " + secret.file();
    case Secret::kCredential:
      return "systemd credential " + in_quotes(secret.credential());
    default:
      return "";
  }
}

// Why the secret cannot be read in this process now ("" when it can). A credential outside
// systemd is the expected case of a check run by hand, and said so.
std::string missing(const Secret& secret, const std::string& field, const Environment& env) {
  if (secret.source_case() == Secret::kCredential) {
    auto directory = env("CREDENTIALS_DIRECTORY");
    if (!directory || directory->empty()) {
      return "given by systemd at start (LoadCredentialEncrypted=" + secret.credential() +
             "), not checked here";
    }
  }
  try {
    resolve_secret(secret, field, env);
    return "";
  } catch (const ConfigError& error) {
    return error.reason();
  }
}

void collect(const Message& message, const std::string& prefix, const Environment& env,
             std::vector<Requirement>* out) {
  if (message.GetDescriptor() == Secret::descriptor()) {
    const auto& secret = static_cast<const Secret&>(message);
    // Inline secrets are in the file already; a secret with no source is validate()'s.
    if (secret.source_case() == Secret::kInline || secret.source_case() == Secret::SOURCE_NOT_SET) {
      return;
    }
    out->push_back({prefix, source_of(secret), missing(secret, prefix, env)});
    return;
  }
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string path = prefix.empty() ? field->name() : prefix + "." + field->name();
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        collect(reflection->GetRepeatedMessage(message, field, i),
                path + "[" + std::to_string(i) + "]", env, out);
      }
    } else {
      collect(reflection->GetMessage(message, field), path, env, out);
    }
  }
}

}  // namespace

std::vector<Requirement> requirements(const Config& config, const Environment& env) {
  std::vector<Requirement> out;
  if (config.redis().url().empty() && !config.redis().has_sentinel() &&
      !config.redis().has_cluster()) {
    out.push_back({"redis.url", "environment variable TOCSIN_REDIS_URL (the file names no Redis)",
                   "not set here"});
  }
  collect(config, "", env, &out);
  return out;
}

}  // namespace tocsin::config
