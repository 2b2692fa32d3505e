#include "seats/seat_text.h"

namespace tocsin::seats {
namespace {

std::string with_code(const std::string& keyword, const std::string& code) {
  return code.empty() ? keyword : keyword + " " + code;
}

}  // namespace

std::string seat_news_text(const SeatNews& news) {
  const bool en = news.language == "en";
  const std::string bus = std::to_string(news.bus);
  if (news.kind == "promoted") {
    if (en) {
      return "Good news! A seat opened up for you: bus " + bus +
             (news.pickup.empty() ? "" : ", leaves from " + news.pickup) +
             ". If you can no longer come, reply " + with_code("NO", news.alert_code) + ".";
    }
    return "Bonne nouvelle! Une place s'est libérée pour toi: autobus " + bus +
           (news.pickup.empty() ? "" : ", départ " + news.pickup) +
           ". Si tu ne peux plus venir, réponds " + with_code("NON", news.alert_code) + ".";
  }
  const std::string rank = std::to_string(news.rank);
  if (en) {
    return "Your bus seat was not confirmed in time and went to the waitlist: you are number " +
           rank + ". We will text you if a seat opens up.";
  }
  return "Ta place dans l'autobus n'a pas été confirmée à temps: tu es au rang " + rank +
         " de la liste d'attente. On t'écrit si une place se libère.";
}

}  // namespace tocsin::seats
