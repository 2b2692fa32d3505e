#pragma once
// Where the roster lives in Redis: the one place that spells these keys, shared by the
// importer's scripts (upsert, remove), the audience counter, the alert preview, and the
// routes and reports that read a member.
//
// Every key carries the `{roster}` hash tag: a member's keys, the indexes that name them
// and the opt-out registry are in one slot, so an import batch, a removal and an audience
// count are each one step on one node of a cluster. A count must see all the indexes at
// one instant anyway, and the roster is small next to what the alerts write (about 1 KB a
// member: 150,000 members fit in 150 MB of one node's memory); the cluster spreads the
// alerts, whose tags are their ids.
//
//   {roster}:member:<id>        STRING, the Member record (protobuf)
//   {roster}:member:<id>:idx    HASH of the values the member is indexed under (field::
//                               below), folded: what the scripts read without parsing the
//                               record (Lua cannot read protobuf), and what an index entry
//                               is removed by
//   {roster}:aud:<dimension>:<value>  SET of member ids: one audience term
//                               ("{roster}:aud:region:estrie"); dimensions region, sector,
//                               local, tag
//   {roster}:members:all        SET of every member id
//   {roster}:members:sms        SET of the members with a mobile (a subset of members:all)
//   {roster}:members:email      SET of the members with an email (a subset of members:all)
//   {roster}:optout:sms:members   SET of the members whose mobile is in optout:sms
//   {roster}:optout:email:members SET of the members whose email is in optout:email
//   {roster}:optout:sms, {roster}:optout:email  SETs of the addresses (E.164 phones,
//                               emails) that opted out of a channel, whoever they belong to
//                               (the opt-out registry: STOP, START, a carrier's opt-out);
//                               the importer never writes them
//   {roster}:phone:<e164>       SET of the members holding this mobile (a shared phone)
//   {roster}:tmp:aud:<random>:<n>  the audience counter's temporaries, deleted by the same
//                               call
//   {roster}:import:lock        STRING, the running import's job id, with a TTL: one
//                               import at a time
//
// An older tocsind kept them untagged (`member:<id>`, `aud:…`, `members:all`…: `untagged`
// below); each start moves what it finds there (members/adopt_untagged_roster.h).

#include <string>
#include <string_view>

namespace tocsin::members::keys {

inline constexpr std::string_view kTag = "{roster}:";

inline std::string member(std::string_view id) {
  return std::string(kTag) + "member:" + std::string(id);
}
inline std::string index(std::string_view id) {
  return member(id) + ":idx";
}
// `folded_value` as members::fold() gives it.
inline std::string audience_term(std::string_view dimension, std::string_view folded_value) {
  return std::string(kTag) + "aud:" + std::string(dimension) + ":" + std::string(folded_value);
}
inline std::string phone(std::string_view e164) {
  return std::string(kTag) + "phone:" + std::string(e164);
}
// `channel`: "sms" | "email".
inline std::string opt_out_registry(std::string_view channel) {
  return std::string(kTag) + "optout:" + std::string(channel);
}
inline std::string opted_out_members(std::string_view channel) {
  return opt_out_registry(channel) + ":members";
}
// `tag`: unique to the call.
inline std::string audience_temporaries(std::string_view tag) {
  return std::string(kTag) + "tmp:aud:" + std::string(tag) + ":";
}

inline constexpr std::string_view kAll = "{roster}:members:all";
inline constexpr std::string_view kWithSms = "{roster}:members:sms";
inline constexpr std::string_view kWithEmail = "{roster}:members:email";
inline constexpr std::string_view kImportLock = "{roster}:import:lock";

// The names an older tocsind used, read only to move them under the tag.
namespace untagged {
// What the keys of each kind start with (a member's two keys share `kMember`).
inline constexpr std::string_view kMember = "member:";
inline constexpr std::string_view kAudienceTerm = "aud:";
inline constexpr std::string_view kPhone = "phone:";
inline constexpr std::string_view kOptOut = "optout:";    // the registry and its member sets
inline constexpr std::string_view kMembers = "members:";  // all, sms, email
// The sets that exist whenever an older roster or opt-out registry does: when none of them
// is there, nothing is left to move.
inline constexpr std::string_view kMarkers[] = {"members:all", "optout:sms", "optout:email",
                                                "optout:sms:members", "optout:email:members"};
}  // namespace untagged

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
