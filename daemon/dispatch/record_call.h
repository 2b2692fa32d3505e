#pragma once
// The KEYS and ARGV of one record_script call (record.lua, whose header describes the
// layout) for a batch of RecordItems: the global keys first, then each alert's five keys
// once, then each item's own keys (a receipt's, an SMS opt-out's phone holders, a job's
// queue), named in ARGV by their index in KEYS.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dispatch/record_item.h"

namespace tocsin::dispatch {

class RecordCall {
 public:
  // `count`: the items that will be added.
  RecordCall(std::string group, int64_t now_ms, size_t count);

  void add(const RecordItem& item);

  std::vector<std::string> take_keys() { return std::move(keys_); }
  std::vector<std::string> take_args() { return std::move(args_); }
  // The alerts of the batch (whose trails to relay when one finished).
  std::vector<std::string> alert_ids() const;

 private:
  std::string next_index() const;
  std::string alert_keys_at(const std::string& alert_id);
  std::string key_at(const std::string& key);
  void add_own(const RecordResult& result);
  void add_own(const RecordRetry& retry);
  void add_own(const RecordAck& ack);
  void add_own(const RecordCancelRetry& cancel);
  std::string own_keys_at(const RecordResult& result);

  std::vector<std::string> keys_;
  std::vector<std::string> args_;
  std::map<std::string, std::string> alerts_;   // alert id -> index of its five keys
  std::map<std::string, std::string> singles_;  // key -> its index
};

}  // namespace tocsin::dispatch
