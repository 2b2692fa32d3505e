#pragma once
// What becomes of a member's message between its job being taken and its hand-off to a
// gateway: queue it, hold it for quiet hours, expire it, drop it because its alert was
// cancelled, or record what the prepare step found. Pure functions of the facts the engine
// read, so each branch is tested with plain values; the engine (engine_take.cpp,
// engine_queue.cpp, engine_send.cpp) reads the facts and carries out what these return.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tocsin::dispatch {

// What the engine knows of an alert in use.
struct AlertFacts {
  std::string_view state;   // alerts::keys::state: only "sending" lets messages go
  int64_t deadline_ms = 0;  // the send deadline: expiry or event start (send_deadline.h); 0 none
};

// Whether nothing more of the alert may go at now_ms: its deadline passed.
bool past_deadline(const AlertFacts& alert, int64_t now_ms);

// A taken job, or the due retries of one alert: prepare their members, or drop them all
// unsent because the alert was cancelled, finished or deleted (nullopt: no record).
enum class TakeAction { prepare, drop };
TakeAction decide_take(const std::optional<AlertFacts>& alert);

// One channel of one prepared member (prepare.lua's answer for it).
struct ChannelFacts {
  std::string_view channel;            // "sms" or "email"
  std::string_view code;               // "send", "none", "done", or a final state
  bool member_readable = true;         // the stored Member record parsed
  std::optional<int64_t> quiet_until;  // when a quiet window holding this channel ends
  int64_t deadline_ms = 0;             // the alert's send deadline; 0 none
  bool has_gateway = true;             // a gateway of this channel is configured
  bool is_retry = false;               // taken from q:retry rather than from a job
};

namespace channel_action {
struct Skip {};    // nothing to do: not this member's channel, or settled before (a job's)
struct Settle {};  // a retry whose member already has a final state: only its entry goes
// A final state prepare.lua found (opted out, shared address...): it wrote it for a job;
// a retry's is written by the record step (`write`), so its q:retry entry goes with it.
struct Final {
  std::string state;
  bool write = false;
};
struct Fail {  // recorded as "failed:<reason>", never sent
  std::string reason;
};
// Quiet hours: recorded as a retry due when the window ends, with the same attempt number
// (a hold is no failed attempt); the retry path prepares it again then.
struct Hold {
  int64_t until_ms = 0;
};
struct Expire {};  // the quiet window outlasts the send deadline: expired now, never sent
struct Queue {};   // onto its channel's ready queue
}  // namespace channel_action

using ChannelAction =
    std::variant<channel_action::Skip, channel_action::Settle, channel_action::Final,
                 channel_action::Fail, channel_action::Hold, channel_action::Expire,
                 channel_action::Queue>;

ChannelAction decide_channel(const ChannelFacts& facts);

// The message at the head of a ready queue, when its turn comes.
struct ReadyFacts {
  bool direct = false;              // send_direct: outside any alert, nothing to check
  std::optional<AlertFacts> alert;  // nullopt: the engine no longer knows the alert
  int64_t now_ms = 0;
  bool opted_out_since = false;  // found opted out after it was prepared (a STOP meanwhile)
  bool opt_out_fresh = false;    // its address was checked in the registry moments ago
};

enum class ReadyAction {
  send,           // hand it to a gateway
  drop,           // the alert was cancelled: not sent, no state (never attempted)
  expire,         // past the send deadline: recorded expired
  opted_out,      // recorded opted out, never sent
  check_opt_out,  // look its address up in the opt-out registry first
};
ReadyAction decide_ready(const ReadyFacts& facts);

}  // namespace tocsin::dispatch
