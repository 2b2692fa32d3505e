#pragma once
// Turns roster records into batches of members on a thread of its own. Phone numbers cost
// libphonenumber's regular expressions tens of microseconds each: for 600,000 rows that
// would hold the event loop for many seconds, and a second core can parse the next batch
// while Redis stores the previous one. A bounded queue keeps memory to a few batches.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "members/record_stream.h"
#include "members/roster_header.h"
#include "proto/tocsin.pb.h"

namespace tocsin::members {

struct ParsedBatch {
  std::vector<Member> members;
  std::vector<int64_t> lines;  // CSV line of each member
  std::vector<ImportProblem> problems;
  int64_t rows = 0;  // records read, blank separator rows excluded
  int64_t rejected = 0;
};

class BatchProducer {
 public:
  BatchProducer(std::unique_ptr<RecordStream> records, HeaderMap header, std::string phone_region,
                size_t batch_size, boost::asio::any_io_executor executor);
  // Stops the thread (it finishes the batch in hand) and joins it.
  ~BatchProducer();
  BatchProducer(const BatchProducer&) = delete;
  BatchProducer& operator=(const BatchProducer&) = delete;

  // The next batch, on the caller's executor; nullopt once the file is consumed.
  boost::asio::awaitable<std::optional<ParsedBatch>> next();

 private:
  struct Wakeup;
  void run();
  void produce();

  std::unique_ptr<RecordStream> records_;
  HeaderMap header_;
  std::string phone_region_;
  size_t batch_size_;
  std::shared_ptr<Wakeup> wakeup_;  // lives on the executor; the thread only posts to it

  std::mutex mutex_;
  std::condition_variable space_;
  std::deque<ParsedBatch> ready_;
  bool done_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tocsin::members
