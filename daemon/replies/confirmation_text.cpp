#include "replies/confirmation_text.h"

namespace tocsin::replies {
namespace {

// " A7" after a keyword, or nothing when the alert has no code.
std::string with_code(std::string_view keyword, const std::string& code) {
  std::string text(keyword);
  if (!code.empty()) text += " " + code;
  return text;
}

// A sentence's end, unless it has one ("5:30 a.m.").
std::string sentence(std::string text) {
  if (!text.ends_with('.')) text.push_back('.');
  return text;
}

std::string rsvp_fr(const ConfirmationFacts& f) {
  const RsvpRecord& r = f.record;
  if (r.answer == "no") {
    return "Merci, c'est noté: absent. Si ça change, réponds " + with_code("OUI", f.alert_code) +
           ".";
  }
  if (r.answer == "maybe") {
    return "Merci, c'est noté: peut-être. Réponds " + with_code("OUI", f.alert_code) + " ou " +
           with_code("NON", f.alert_code) + " dès que tu sais.";
  }
  std::string text = "Merci! Présence confirmée";
  if (r.party > 1) text += " pour " + std::to_string(r.party) + " personnes";
  text += ".";
  if (f.seat.state == "seated") {
    text += f.seat.seats > 1 ? " " + std::to_string(f.seat.seats) + " places confirmées"
                             : " Place confirmée";
    text += ", autobus " + std::to_string(f.seat.bus);
    text += f.pickup.empty() ? "." : sentence(", départ " + f.pickup);
  } else if (f.seat.state == "waitlisted") {
    text += " Les autobus sont pleins: tu es au rang " + std::to_string(f.seat.rank) +
            " de la liste d'attente. On t'écrit dès qu'une place se libère.";
  } else if (r.bus_seats > 0) {
    text += r.bus_seats > 1 ? " Autobus (" + std::to_string(r.bus_seats) + " places)" : " Autobus";
    text += f.pickup.empty() ? ": détails à venir." : sentence(": départ " + f.pickup);
  }
  if (r.car_seats > 0) {
    text += " Merci d'offrir " + std::to_string(r.car_seats) +
            (r.car_seats > 1 ? " places" : " place") + " en auto.";
  }
  text += " Pour changer: " + with_code("NON", f.alert_code) + ".";
  if (!f.checkin_code.empty()) text += " Code d'accueil : " + f.checkin_code + ".";
  return text;
}

std::string rsvp_en(const ConfirmationFacts& f) {
  const RsvpRecord& r = f.record;
  if (r.answer == "no") {
    return "Thanks, noted: not coming. If that changes, reply " +
           with_code("YES", f.alert_code) + ".";
  }
  if (r.answer == "maybe") {
    return "Thanks, noted: maybe. Reply " + with_code("YES", f.alert_code) + " or " +
           with_code("NO", f.alert_code) + " once you know.";
  }
  std::string text = "Thanks! You're confirmed";
  if (r.party > 1) text += " for " + std::to_string(r.party) + " people";
  text += ".";
  if (f.seat.state == "seated") {
    text += f.seat.seats > 1 ? " " + std::to_string(f.seat.seats) + " seats confirmed"
                             : " Seat confirmed";
    text += ", bus " + std::to_string(f.seat.bus);
    text += f.pickup.empty() ? "." : sentence(", leaves from " + f.pickup);
  } else if (f.seat.state == "waitlisted") {
    text += " The buses are full: you are number " + std::to_string(f.seat.rank) +
            " on the waitlist. We will text you as soon as a seat opens up.";
  } else if (r.bus_seats > 0) {
    text += r.bus_seats > 1 ? " Bus (" + std::to_string(r.bus_seats) + " seats)" : " Bus";
    text += f.pickup.empty() ? ": details to come." : sentence(": leaves from " + f.pickup);
  }
  if (r.car_seats > 0) {
    text += " Thanks for offering " + std::to_string(r.car_seats) +
            (r.car_seats > 1 ? " seats" : " seat") + " in your car.";
  }
  text += " To change: " + with_code("NO", f.alert_code) + ".";
  if (!f.checkin_code.empty()) text += " Check-in code: " + f.checkin_code + ".";
  return text;
}

}  // namespace

std::string confirmation_text(const ConfirmationFacts& facts) {
  const bool en = facts.language == "en";
  switch (facts.kind) {
    case ConfirmationKind::rsvp:
      return en ? rsvp_en(facts) : rsvp_fr(facts);
    case ConfirmationKind::unknown:
      return en ? "Sorry, we did not understand. Reply " + with_code("YES", facts.alert_code) +
                      ", NO or MAYBE, and BUS if you need a seat. A person will read your message."
                : "Désolé, nous n'avons pas compris. Réponds " +
                      with_code("OUI", facts.alert_code) +
                      ", NON ou PEUT-ETRE, et BUS pour une place. Une personne lira ton message.";
    case ConfirmationKind::opted_out:
      return en ? "You will no longer receive SMS from the union. Reply START to receive them "
                  "again."
                : "Tu ne recevras plus de SMS du syndicat. Réponds START pour les recevoir à "
                  "nouveau.";
    case ConfirmationKind::resubscribed:
      return en ? "You will receive the union's SMS again. Reply STOP to stop them."
                : "Tu recevras à nouveau les SMS du syndicat. Réponds ARRET pour ne plus les "
                  "recevoir.";
    case ConfirmationKind::present:
      return en ? "Thanks, you are marked present. Welcome!"
                : "Merci, ta présence est notée. Bienvenue!";
    case ConfirmationKind::help:
      return en ? "Union alerts. Reply YES, NO or MAYBE; add BUS for a seat or CAR 3 to offer 3. "
                  "STOP to stop SMS."
                : "Alertes du syndicat. Réponds OUI, NON ou PEUT-ETRE; ajoute BUS pour une "
                  "place ou AUTO 3 pour en offrir 3. ARRET: plus de SMS.";
  }
  return {};
}

}  // namespace tocsin::replies
