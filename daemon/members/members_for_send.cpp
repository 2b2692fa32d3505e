#include "members/members_for_send.h"

#include <optional>
#include <tuple>

#include "members/member_keys.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::members {

namespace {

using Field = std::optional<std::string>;

// Whether each address is in `channel`'s opt-out registry: one SMISMEMBER for the batch.
redis::Command opt_out_check(std::string_view channel, const std::vector<std::string>& addresses) {
  redis::Command command{"SMISMEMBER", std::string(keys::opt_out_registry(channel))};
  command.insert(command.end(), addresses.begin(), addresses.end());
  return command;
}

}  // namespace

boost::asio::awaitable<Result<std::vector<MemberForSend>>> read_members_for_send(
    redis::Client& redis, const std::vector<std::string>& ids) {
  std::vector<MemberForSend> out;
  if (ids.empty()) co_return out;
  // Each member's record and index, pipelined: plain commands cost Redis a fraction of the
  // same reads made from a script, member by member.
  std::vector<redis::Command> reads;
  reads.reserve(2 * ids.size());
  for (const std::string& id : ids) {
    reads.push_back({"GET", keys::member(id)});
    reads.push_back({"HMGET", keys::index(id), std::string(keys::field::kMobile),
                     std::string(keys::field::kEmail), std::string(keys::field::kRegion),
                     std::string(keys::field::kSector), std::string(keys::field::kLocal),
                     std::string(keys::field::kTitle)});
  }
  auto replies = co_await redis.exec_pipeline(std::move(reads));
  if (!replies) co_return replies.error();
  if (replies->size() != 2 * ids.size()) co_return make_error_code(redis::Errc::unexpected_reply);
  out.reserve(ids.size());
  // The addresses to check, and whose each is.
  std::vector<std::string> mobiles, emails;
  std::vector<size_t> mobile_of, email_of;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto record = redis::decode<Field>((*replies)[2 * i]);
    auto index =
        redis::decode<std::tuple<Field, Field, Field, Field, Field, Field>>((*replies)[2 * i + 1]);
    if (!record) co_return record.error();
    if (!index) co_return index.error();
    MemberForSend& member = out.emplace_back();
    member.stored = record->has_value();
    member.record = record->value_or("");
    auto& [mobile, email, region, sector, local, title] = *index;
    member.mobile = mobile.value_or("");
    member.email = email.value_or("");
    member.region = region.value_or("");
    member.sector = sector.value_or("");
    member.local = local.value_or("");
    member.title = title.value_or("");
    if (!member.mobile.empty()) {
      mobiles.push_back(member.mobile);
      mobile_of.push_back(i);
    }
    if (!member.email.empty()) {
      emails.push_back(member.email);
      email_of.push_back(i);
    }
  }
  // Then the registries, read after the members: an opt-out that lands in between counts.
  std::vector<redis::Command> checks;
  if (!mobiles.empty()) checks.push_back(opt_out_check("sms", mobiles));
  if (!emails.empty()) checks.push_back(opt_out_check("email", emails));
  if (checks.empty()) co_return out;
  auto answers = co_await redis.exec_pipeline(std::move(checks));
  if (!answers) co_return answers.error();
  size_t next = 0;
  for (auto [whose, flag] : {std::pair{&mobile_of, &MemberForSend::sms_opted_out},
                             std::pair{&email_of, &MemberForSend::email_opted_out}}) {
    if (whose->empty()) continue;
    if (next >= answers->size()) co_return make_error_code(redis::Errc::unexpected_reply);
    auto opted_out = redis::decode<std::vector<int64_t>>((*answers)[next++]);
    if (!opted_out) co_return opted_out.error();
    if (opted_out->size() != whose->size()) {
      co_return make_error_code(redis::Errc::unexpected_reply);
    }
    for (size_t k = 0; k < whose->size(); ++k) out[(*whose)[k]].*flag = (*opted_out)[k] == 1;
  }
  co_return out;
}

}  // namespace tocsin::members
