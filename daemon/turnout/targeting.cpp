#include "turnout/targeting.h"

#include <optional>
#include <tuple>

#include "members/member_keys.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::turnout {

namespace member_keys = members::keys;

boost::asio::awaitable<Result<std::vector<Place>>> read_places(
    redis::Client& redis, const std::vector<std::string>& members) {
  std::vector<redis::Command> reads;
  reads.reserve(members.size());
  for (const std::string& member : members) {
    reads.push_back({"HMGET", member_keys::index(member), std::string(member_keys::field::kRegion),
                     std::string(member_keys::field::kSector),
                     std::string(member_keys::field::kLocal),
                     std::string(member_keys::field::kTitle)});
  }
  std::vector<Place> places;
  if (reads.empty()) co_return places;
  auto replies = co_await redis.exec_pipeline(std::move(reads));
  if (!replies) co_return replies.error();
  using Field = std::optional<std::string>;
  places.reserve(members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    auto place = redis::decode<std::tuple<Field, Field, Field, Field>>((*replies)[i]);
    if (!place) co_return place.error();
    auto& [region, sector, local, title] = *place;
    places.push_back({.region = region.value_or(""),
                      .sector = sector.value_or(""),
                      .local = local.value_or(""),
                      .title = title.value_or("")});
  }
  co_return places;
}

}  // namespace tocsin::turnout
