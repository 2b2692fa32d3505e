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

std::vector<std::string> record_replies_keys() {
  return {keys::sms_opt_outs(), keys::sms_opted_out_members()};
}

void add_record_keys(std::vector<std::string>& out, const std::string& alert_id,
                     const std::string& number) {
  if (alert_id.empty()) {
    out.insert(out.end(), 5, "");
  } else {
    out.insert(out.end(), {keys::alert(alert_id), keys::rsvp(alert_id), keys::rsvp_text(alert_id),
                           keys::unknown_replies(alert_id), keys::tally(alert_id)});
  }
  out.push_back(number.empty() ? "" : keys::phone_holders(number));
}

const redis::Script& auto_answer_script() {
  static const redis::Script script(std::string(lua::auto_answer));
  return script;
}

std::string auto_answer_key(const std::string& number) {
  return keys::auto_answers(number);
}

}  // namespace tocsin::replies
