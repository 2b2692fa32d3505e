#pragma once
// One change the engine writes to Redis through record_script (dispatch_scripts.h), one
// struct per kind, each with only its own fields: a message's final state, a retry to
// schedule, a finished job, or a retry dropped because its alert was cancelled.
// record_plan.h lays each out in record.lua's ARGV.

#include <cstdint>
#include <string>
#include <variant>

namespace tocsin::dispatch {

// A message's final state (sent, failed:<reason>, opted_out, expired, skipped:<why>).
struct RecordResult {
  std::string alert_id;
  std::string member_id;
  std::string channel;
  std::string state;
  std::string message_id;       // "sent": the gateway's message id
  std::string receipt_key;      // "sent" through a gateway with receipts: msg:<gateway>:<id>
  std::string address;          // "opted_out": the address to add to the registry
  std::string entry_to_remove;  // the q:retry entry this message came from, if any
  bool is_message = false;      // a send's outcome: frees a place in the in-flight window
};

// A message to try again at due_ms (a failed attempt, quiet hours, an email fallback).
struct RecordRetry {
  std::string alert_id;
  std::string member_id;
  std::string channel;
  int64_t due_ms = 0;
  std::string entry_to_add;     // the new q:retry entry (retry_entry.h)
  std::string entry_to_remove;  // the q:retry entry this message came from, if any
  bool is_message = false;      // a send's outcome: frees a place in the in-flight window
};

// A job whose messages are all recorded: acknowledged and deleted from its stream.
struct RecordAck {
  std::string alert_id;
  std::string queue;     // the job's stream
  std::string entry_id;  // its entry there
};

// A retry not sent because its alert was cancelled: its entry leaves q:retry, no state.
struct RecordCancelRetry {
  std::string alert_id;
  std::string member_id;
  std::string channel;
  std::string entry_to_remove;
};

using RecordItem = std::variant<RecordResult, RecordRetry, RecordAck, RecordCancelRetry>;

inline const std::string& alert_id_of(const RecordItem& item) {
  return std::visit([](const auto& change) -> const std::string& { return change.alert_id; }, item);
}

// Whether the item is a send's outcome, which held a place in the in-flight window.
inline bool is_message(const RecordItem& item) {
  if (const auto* result = std::get_if<RecordResult>(&item)) return result->is_message;
  if (const auto* retry = std::get_if<RecordRetry>(&item)) return retry->is_message;
  return false;
}

}  // namespace tocsin::dispatch
