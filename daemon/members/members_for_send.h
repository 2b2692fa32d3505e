#pragma once
// What sending needs of a batch of members, read in the roster's slot: each one's record,
// addresses and place, and whether each address opted out. Plain pipelined reads, no
// script: a member's record and index, then one SMISMEMBER per opt-out registry for the
// whole batch. The send's prepare step takes these as values (dispatch/prepare.lua), so
// that it stays in the alert's slot.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "util/result.h"

namespace tocsin::redis {
class Client;
}  // namespace tocsin::redis

namespace tocsin::members {

struct MemberForSend {
  bool stored = false;  // false once removed from the roster
  std::string record;   // the Member, serialized ("" when not stored)
  std::string mobile, email;
  std::string region, sector, local, title;  // folded, as indexed ("" for none)
  bool sms_opted_out = false;                // the mobile is in the opt-out registry
  bool email_opted_out = false;
};

// One per id, in the order given.
boost::asio::awaitable<Result<std::vector<MemberForSend>>> read_members_for_send(
    redis::Client& redis, const std::vector<std::string>& ids);

}  // namespace tocsin::members
