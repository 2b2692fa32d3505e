#pragma once
// Where the roster lives in Redis: the one place that spells these keys, shared by the
// importer's scripts (upsert, remove), the audience counter, the alert preview, and the
// routes and reports that read a member.
//
//   member:{id}            STRING, the Member record (protobuf)
//   member:{id}:idx        HASH of the values the member is indexed under (field:: below),
//                          folded: what the scripts read without parsing the record (Lua
//                          cannot read protobuf), and what an index entry is removed by
//   aud:{dimension}:{value}  SET of member ids: one audience term ("aud:region:estrie");
//                          dimensions region, sector, local, tag
//   members:all            SET of every member id
//   members:sms            SET of the members with a mobile (a subset of members:all)
//   members:email          SET of the members with an email (a subset of members:all)
//   optout:sms:members     SET of the members whose mobile is in optout:sms
//   optout:email:members   SET of the members whose email is in optout:email
//   optout:sms, optout:email  SETs of the addresses (E.164 phones, emails) that opted out of
//                          a channel, whoever they belong to (the opt-out registry: STOP,
//                          START, a carrier's opt-out); the importer never writes them
//   phone:{e164}           SET of the members holding this mobile (a shared phone)
//   tmp:aud:{random}:{n}   the audience counter's temporaries, deleted by the same call
//   import:lock            STRING, the running import's job id, with a TTL: one import at
//                          a time
//
// The keys of one member do not share a hash slot with the indexes: the roster is for one
// Redis (with replicas), not a cluster (daemon/README.md, "Redis").

#include <string>
#include <string_view>

namespace tocsin::members::keys {

inline std::string member(std::string_view id) {
  return "member:" + std::string(id);
}
inline std::string index(std::string_view id) {
  return member(id) + ":idx";
}
// `folded_value` as members::fold() gives it.
inline std::string audience_term(std::string_view dimension, std::string_view folded_value) {
  return "aud:" + std::string(dimension) + ":" + std::string(folded_value);
}
inline std::string phone(std::string_view e164) {
  return "phone:" + std::string(e164);
}
// `channel`: "sms" | "email".
inline std::string opt_out_registry(std::string_view channel) {
  return "optout:" + std::string(channel);
}
inline std::string opted_out_members(std::string_view channel) {
  return opt_out_registry(channel) + ":members";
}
// `tag`: unique to the call; the hash tag keeps one call's temporaries in one slot.
inline std::string audience_temporaries(std::string_view tag) {
  return "tmp:aud:{" + std::string(tag) + "}:";
}

inline constexpr std::string_view kAll = "members:all";
inline constexpr std::string_view kWithSms = "members:sms";
inline constexpr std::string_view kWithEmail = "members:email";
inline constexpr std::string_view kImportLock = "import:lock";

// Fields of member:{id}:idx.
namespace field {
inline constexpr std::string_view kRegion = "region";
inline constexpr std::string_view kSector = "sector";
inline constexpr std::string_view kLocal = "local";
inline constexpr std::string_view kTags = "tags";  // joined by \x1f
inline constexpr std::string_view kMobile = "mobile";
inline constexpr std::string_view kEmail = "email";
inline constexpr std::string_view kLanguage = "language";  // "fr" | "en"
inline constexpr std::string_view kTitle = "title";
}  // namespace field

}  // namespace tocsin::members::keys
