#pragma once
// The start's moves of what an older tocsind kept under untagged names (the accounts,
// auth/adopt_untagged_keys.h; the roster, members/adopt_untagged_roster.h), run in order as
// soon as Redis answers, then again every half second until all have succeeded. Until
// then the readiness probe says not ready, the routes wait (http/router.h), and the
// workers that read accounts or members are not started (wait()): an account or a member
// of before the upgrade would look missing to them.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::app {

struct KeyAdoptionStep {
  std::string name;  // for the log: "auth", "roster"
  std::function<boost::asio::awaitable<Result<size_t>>(redis::Client&)> run;
};

class KeyAdoption {
 public:
  KeyAdoption(boost::asio::any_io_executor executor, redis::Client& redis,
              std::vector<KeyAdoptionStep> steps);
  ~KeyAdoption();
  boost::asio::awaitable<void> run();
  void stop();
  bool done() const;
  // Returns once done(), or once stopped.
  boost::asio::awaitable<void> wait();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tocsin::app
