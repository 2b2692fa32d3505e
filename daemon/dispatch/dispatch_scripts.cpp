#include "dispatch/dispatch_scripts.h"

#include "alerts/alert_keys.h"
#include "dispatch/dispatch_keys.h"
#include "dispatch/prepare.lua.h"
#include "dispatch/record.lua.h"
#include "dispatch/take_retries.lua.h"
#include "members/members_for_send.h"
#include "turnout/reach_count.h"

namespace tocsin::dispatch {

const redis::Script& prepare_script() {
  static const redis::Script script(std::string(lua::prepare));
  return script;
}

const redis::Script& record_script() {
  static const redis::Script script(std::string(lua::record));
  return script;
}

const redis::Script& take_retries_script() {
  static const redis::Script script(std::string(lua::take_retries));
  return script;
}

std::vector<std::string> prepare_keys(const std::string& alert_id) {
  return {alerts::keys::alert(alert_id),      alerts::keys::delivery(alert_id),
          alerts::keys::recipients(alert_id), alerts::keys::counts(alert_id),
          keys::unreachable(alert_id),        alerts::keys::links(alert_id)};
}

std::vector<std::string> prepare_args(std::string_view mode, std::string_view channels,
                                      bool links_here, const std::vector<PrepareMember>& members) {
  std::vector<std::string> args{std::string(mode), std::string(channels), links_here ? "1" : "0"};
  args.reserve(args.size() + 9 * members.size());
  for (const PrepareMember& member : members) {
    const members::MemberForSend& roster = member.roster;
    const char* opted_out = roster.sms_opted_out ? (roster.email_opted_out ? "both" : "sms")
                                                 : (roster.email_opted_out ? "email" : "");
    for (std::string_view value :
         {member.id, member.tag, member.retry_channel, std::string_view(roster.stored ? "1" : "0"),
          std::string_view(roster.mobile), std::string_view(roster.email)}) {
      args.emplace_back(value);
    }
    args.push_back(turnout::encode_place({.region = roster.region,
                                          .sector = roster.sector,
                                          .local = roster.local,
                                          .title = roster.title}));
    args.emplace_back(opted_out);
    args.emplace_back(member.left_group);
  }
  return args;
}

}  // namespace tocsin::dispatch
