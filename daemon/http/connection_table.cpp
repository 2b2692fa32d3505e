#include "http/connection_table.h"

namespace tocsin::http {

ConnectionTable::ConnectionTable(size_t max_connections, size_t max_per_client)
    : max_connections_(max_connections), max_per_client_(max_per_client) {}

ConnectionTable::Admission ConnectionTable::admit(const std::string& client,
                                                  Clock::time_point now) {
  Admission admission;
  if (held_by(client) >= max_per_client_) {
    admission.outcome = Outcome::client_full;
    return admission;
  }
  if (entries_.size() >= max_connections_) {
    if (idle_.empty()) {
      admission.outcome = Outcome::server_full;
      return admission;
    }
    const Id oldest = idle_.begin()->second;
    erase(entries_.find(oldest));
    admission.evicted = oldest;
  }
  admission.id = next_id_++;
  entries_.emplace(admission.id, Entry{client, now});
  idle_.emplace(now, admission.id);
  ++per_client_[client];
  return admission;
}

void ConnectionTable::idle(Id id, Clock::time_point since) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  leave_idle(it->second, id);
  it->second.idle_since = since;
  idle_.emplace(since, id);
}

void ConnectionTable::working(Id id) {
  auto it = entries_.find(id);
  if (it != entries_.end()) leave_idle(it->second, id);
}

void ConnectionTable::remove(Id id) {
  auto it = entries_.find(id);
  if (it != entries_.end()) erase(it);
}

size_t ConnectionTable::held_by(const std::string& client) const {
  auto it = per_client_.find(client);
  return it == per_client_.end() ? 0 : it->second;
}

void ConnectionTable::leave_idle(Entry& entry, Id id) {
  if (entry.idle_since) idle_.erase({*entry.idle_since, id});
  entry.idle_since.reset();
}

void ConnectionTable::erase(Entries::iterator it) {
  leave_idle(it->second, it->first);
  auto count = per_client_.find(it->second.client);
  if (--count->second == 0) per_client_.erase(count);
  entries_.erase(it);
}

}  // namespace tocsin::http
