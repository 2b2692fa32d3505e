#include "members/members_for_send.h"

#include <tuple>

#include "members/member_keys.h"
#include "members/members_for_send.lua.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"

namespace tocsin::members {

const redis::Script& members_for_send_script() {
  static const redis::Script script(std::string(lua::members_for_send));
  return script;
}

std::vector<std::string> members_for_send_keys(const std::vector<std::string>& ids) {
  std::vector<std::string> out{keys::opt_out_registry("sms"), keys::opt_out_registry("email")};
  out.reserve(out.size() + 2 * ids.size());
  for (const auto& id : ids) {
    out.push_back(keys::member(id));
    out.push_back(keys::index(id));
  }
  return out;
}

boost::asio::awaitable<Result<std::vector<MemberForSend>>> read_members_for_send(
    redis::Client& redis, const std::vector<std::string>& ids) {
  std::vector<MemberForSend> out;
  if (ids.empty()) co_return out;
  using Row = std::tuple<std::string, std::string, std::string, std::string, std::string,
                         std::string, std::string, int64_t, int64_t>;
  std::vector<std::string> keys = members_for_send_keys(ids), no_args;
  auto rows = redis::decode<std::vector<Row>>(
      co_await redis.eval(members_for_send_script(), std::move(keys), std::move(no_args)));
  if (!rows) co_return rows.error();
  if (rows->size() != ids.size()) co_return make_error_code(redis::Errc::unexpected_reply);
  out.reserve(rows->size());
  for (auto& row : *rows) {
    MemberForSend& member = out.emplace_back();
    int64_t sms_out = 0, email_out = 0;
    std::tie(member.record, member.mobile, member.email, member.region, member.sector, member.local,
             member.title, sms_out, email_out) = std::move(row);
    member.stored = !member.record.empty();
    member.sms_opted_out = sms_out == 1;
    member.email_opted_out = email_out == 1;
  }
  co_return out;
}

}  // namespace tocsin::members
