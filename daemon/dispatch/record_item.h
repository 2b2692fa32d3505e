#pragma once
// One change the engine writes to Redis through record_script (dispatch_scripts.h): a
// message's final state, a retry to schedule, a dropped retry, or a finished job.

#include <string>

namespace tocsin::dispatch {

struct RecordItem {
  enum class Op : char { result = 'r', retry = 'q', ack = 'a', cancel_retry = 'c' };
  Op op = Op::result;
  std::string alert_id;
  std::string member_or_queue;   // result/retry/cancel: member id; ack: the queue
  std::string channel_or_entry;  // result/retry/cancel: channel; ack: the stream entry id
  std::string state_or_due;      // result: state; retry: due time (ms)
  std::string message_id;        // result "sent": the gateway's message id
  std::string entry_to_add;      // retry: the new q:retry entry
  std::string entry_to_remove;   // the q:retry entry this message came from, if any
  std::string address;           // result "opted_out": the address to add to the registry
  std::string receipt_key;       // result "sent" through a gateway with receipts
  bool is_message = false;       // counts against the engine's in-flight window
};

}  // namespace tocsin::dispatch
