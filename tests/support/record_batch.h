#pragma once
// A batch of replies for the record script (daemon/replies/record_replies.lua), with its
// KEYS and ARGV built as the reply worker builds them: for tests that drive the script
// directly (contract tests, and the seats' tests, whose seats it gives).

#include <cstdint>
#include <string>
#include <vector>

#include "replies/reply_scripts.h"
#include "turnout/rsvp_record.h"

namespace tocsin::testing {

struct BatchReply {
  std::string kind = "rsvp";  // "rsvp" | "unknown" | "stop" | "start"
  std::string alert;
  std::string member;
  std::string number;
  replies::RsvpRecord record;  // for "rsvp"
  std::string text;
  int64_t at_ms = 0;
};

struct RecordBatch {
  std::vector<std::string> keys = replies::record_replies_keys();
  std::vector<std::string> args{"0"};

  void add(const BatchReply& reply) {
    replies::add_record_keys(keys, reply.alert, reply.number);
    for (std::string value : {reply.kind, reply.alert, reply.member, reply.number,
                              reply.kind == "rsvp" ? replies::encode(reply.record) : std::string(),
                              reply.text, std::to_string(reply.at_ms)}) {
      args.push_back(std::move(value));
    }
    args[0] = std::to_string(std::stoi(args[0]) + 1);
  }
};

}  // namespace tocsin::testing
