#pragma once
// Which connections the HTTP server holds, and which one it lets go when it is full: the
// admission policy of http/server.h, without I/O so that it can be tested alone.
//
// A new connection is admitted unless its client (http/client_key.h) already holds
// max_per_client connections, or the server holds max_connections and none of them is
// idle. A connection is idle while it waits for a request head: new, kept alive between
// two requests, or with a head only partly received. When the server is full, the idle
// connection that has waited longest is evicted (the caller closes it) to admit the new
// one: sockets that send nothing cannot lock a provider's webhook or a health check out,
// they can only push each other out. A connection whose request head has arrived (being
// read, handled, answered, or streaming events) is never evicted.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

namespace tocsin::http {

class ConnectionTable {
 public:
  using Clock = std::chrono::steady_clock;
  using Id = uint64_t;

  ConnectionTable(size_t max_connections, size_t max_per_client);

  enum class Outcome { admitted, client_full, server_full };
  struct Admission {
    Outcome outcome = Outcome::admitted;
    Id id = 0;                  // when admitted
    std::optional<Id> evicted;  // admitted in place of this idle connection: close it now
  };
  // A new connection from `client`, idle from `now` on. An evicted connection is no longer
  // in the table (nor counted for its client) when this returns.
  Admission admit(const std::string& client, Clock::time_point now);
  // The connection waits for a request head since `since`: it may be evicted.
  void idle(Id id, Clock::time_point since);
  // Its request head has arrived: it is not evicted until it is idle again.
  void working(Id id);
  // Closed. An id no longer in the table (evicted) is ignored, as by idle() and working().
  void remove(Id id);

  size_t size() const { return entries_.size(); }
  size_t idle_count() const { return idle_.size(); }
  size_t held_by(const std::string& client) const;

 private:
  struct Entry {
    std::string client;
    std::optional<Clock::time_point> idle_since;
  };
  using Entries = std::unordered_map<Id, Entry>;

  void leave_idle(Entry& entry, Id id);
  void erase(Entries::iterator it);

  size_t max_connections_;
  size_t max_per_client_;
  Id next_id_ = 1;
  Entries entries_;
  std::unordered_map<std::string, size_t> per_client_;
  std::set<std::pair<Clock::time_point, Id>> idle_;  // longest waiting first
};

}  // namespace tocsin::http
