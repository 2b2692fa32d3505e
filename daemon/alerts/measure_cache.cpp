#include "alerts/measure_cache.h"

#include "members/audience.h"
#include "members/text_fold.h"

namespace tocsin::alerts {

std::string measure_key(const Alert& alert) {
  std::string key;
  if (const auto expression = members::parse_audience(alert.audience())) {
    key = members::to_string(*expression);
  } else {
    key = alert.audience();
  }
  key += '\n' + std::to_string(alert.channels()) + '\n';
  // messages is a map: its keys come in no set order.
  std::map<std::string, bool> languages;
  for (const auto& [language, message] : alert.messages()) languages[language] = true;
  for (const auto& [language, present] : languages) key += language + ',';
  for (const TurnoutTarget& target : alert.targets()) {
    key += '\n' + target.dimension() + ':' + members::fold(target.value());
  }
  return key;
}

std::optional<DraftMeasure> MeasureCache::find(const std::string& key, Clock::time_point now) {
  const auto found = entries_.find(key);
  if (found == entries_.end()) return std::nullopt;
  // Past its time, a measure whose refresh is on its way is still answered: counting again
  // beside the refresh would only slow both.
  if (now - found->second.stored_at >= time_to_live_ && !found->second.refreshing) {
    order_.erase(found->second.age);
    entries_.erase(found);
    return std::nullopt;
  }
  return found->second.measure;
}

bool MeasureCache::claim_refresh(const std::string& key, Clock::time_point now) {
  const auto found = entries_.find(key);
  if (found == entries_.end() || found->second.refreshing) return false;
  if (now - found->second.stored_at < refresh_after_) return false;
  found->second.refreshing = true;
  return true;
}

void MeasureCache::refresh_failed(const std::string& key) {
  if (const auto found = entries_.find(key); found != entries_.end()) {
    found->second.refreshing = false;
  }
}

void MeasureCache::store(const std::string& key, DraftMeasure measure, Clock::time_point now) {
  if (capacity_ == 0) return;
  if (const auto found = entries_.find(key); found != entries_.end()) {
    order_.erase(found->second.age);
    entries_.erase(found);
  }
  while (entries_.size() >= capacity_) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(key);
  entries_.emplace(key, Entry{std::move(measure), now, std::prev(order_.end()), false});
}

}  // namespace tocsin::alerts
