#pragma once
// One alert's batch of replies for the record script (daemon/replies/record_replies.lua),
// with its KEYS and ARGV built as the reply worker builds them: for tests that drive the
// script directly (contract tests, and the seats' tests, whose seats it gives).

#include <cstdint>
#include <string>
#include <vector>

#include "replies/reply_scripts.h"
#include "turnout/rsvp_record.h"

namespace tocsin::testing {

struct BatchReply {
  std::string kind = "rsvp";  // "rsvp" | "unknown"
  std::string alert;
  std::string member;
  std::string number;
  replies::RsvpRecord record;  // for "rsvp"
  std::string text;
  int64_t at_ms = 0;
  replies::MemberPlace place;  // as read from the roster
};

struct RecordBatch {
  std::string alert;
  std::vector<replies::ReplyToRecord> replies;

  void add(const BatchReply& reply) {
    alert = reply.alert;
    replies.push_back({reply.kind, reply.member,
                       reply.kind == "rsvp" ? replies::encode(reply.record) : std::string(),
                       reply.text, reply.at_ms, reply.place});
  }
  std::vector<std::string> keys() const { return replies::record_replies_keys(alert); }
  std::vector<std::string> args() const { return replies::record_replies_args(alert, replies); }
};

}  // namespace tocsin::testing
