#include "rides/ride_message.h"

namespace tocsin::rides {
namespace {

std::string joined(const std::vector<std::string>& names, std::string_view last_joint) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? std::string(last_joint) : ", ";
    text += names[i];
  }
  return text;
}

}  // namespace

std::string driver_confirmed(std::string_view language, std::string_view code,
                             const std::vector<Contact>& riders) {
  const bool en = language == "en";
  std::vector<std::string> people;
  for (const Contact& rider : riders) {
    std::string person = rider.first_name + " " + rider.mobile;
    if (rider.seats > 1) {
      person += en ? " (" + std::to_string(rider.seats) + " seats)"
                   : " (" + std::to_string(rider.seats) + " places)";
    }
    people.push_back(std::move(person));
  }
  const std::string who = joined(people, en ? " and " : " et ");
  if (en) {
    return "Tocsin " + std::string(code) + ": ride confirmed by your coordinator. You drive " +
           who + ". Please call them to agree on the time and place.";
  }
  return "Tocsin " + std::string(code) +
         " : covoiturage confirmé par la coordination. Vous conduisez " + who +
         ". Appelez-les pour convenir de l'heure et du lieu.";
}

std::string rider_confirmed(std::string_view language, std::string_view code,
                            const Contact& driver) {
  const std::string who = driver.first_name + " " + driver.mobile;
  if (language == "en") {
    return "Tocsin " + std::string(code) + ": ride confirmed by your coordinator. " + who +
           " drives you. Please call them to agree on the time and place.";
  }
  return "Tocsin " + std::string(code) + " : covoiturage confirmé par la coordination. " + who +
         " vous conduit. Appelez pour convenir de l'heure et du lieu.";
}

std::string ride_undone(std::string_view language, std::string_view code,
                        const std::vector<std::string>& others) {
  if (language == "en") {
    return "Tocsin " + std::string(code) + ": your coordinator cancelled the ride with " +
           joined(others, " and ") + ". It is off; we will be in touch.";
  }
  return "Tocsin " + std::string(code) + " : la coordination a annulé le covoiturage avec " +
         joined(others, " et ") + ". Il n'a plus lieu ; nous vous recontacterons.";
}

}  // namespace tocsin::rides
