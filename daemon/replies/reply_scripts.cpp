#include "replies/reply_scripts.h"

#include <string>

#include "redis/script.h"
#include "replies/auto_answer.lua.h"
#include "replies/record_replies.lua.h"
#include "replies/reply_keys.h"

namespace tocsin::replies {

const redis::Script& record_replies_script() {
  static const redis::Script script(std::string(lua::record_replies));
  return script;
}

std::vector<std::string> record_replies_keys(const std::string& alert_id) {
  return {keys::alert(alert_id), keys::rsvp(alert_id), keys::rsvp_text(alert_id),
          keys::unknown_replies(alert_id), keys::tally(alert_id)};
}

std::vector<std::string> record_replies_args(const std::string& alert_id,
                                             const std::vector<ReplyToRecord>& replies) {
  std::vector<std::string> args{alert_id, std::to_string(replies.size())};
  args.reserve(2 + 9 * replies.size());
  for (const ReplyToRecord& reply : replies) {
    for (const std::string* value :
         {&reply.kind, &reply.member, &reply.encoded, &reply.text}) {
      args.push_back(*value);
    }
    args.push_back(std::to_string(reply.at_ms));
    for (const std::string* value :
         {&reply.place.region, &reply.place.sector, &reply.place.local, &reply.place.title}) {
      args.push_back(*value);
    }
  }
  return args;
}

const redis::Script& auto_answer_script() {
  static const redis::Script script(std::string(lua::auto_answer));
  return script;
}

std::string auto_answer_key(const std::string& number) {
  return keys::auto_answers(number);
}

}  // namespace tocsin::replies
