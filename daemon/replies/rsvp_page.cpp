#include "replies/rsvp_page.h"

#include "http/html_escape.h"
#include "replies/reply_reader.h"
#include "replies/rsvp_page_layout.h"

namespace tocsin::replies {
namespace {

using http::html_escape;

// A text in the member's language.
struct Text {
  const char* fr;
  const char* en;
  const char* in(const std::string& language) const { return language == "en" ? en : fr; }
};

std::string count_of(int n, const std::string& language, Text one, Text many) {
  return std::to_string(n) + " " + (n > 1 ? many : one).in(language);
}

std::string answer_word(const std::string& answer, const std::string& language) {
  if (answer == "yes") return Text{"Oui", "Yes"}.in(language);
  if (answer == "no") return Text{"Non", "No"}.in(language);
  return Text{"Peut-être", "Maybe"}.in(language);
}

void add_option(std::string* html, int value, const std::string& text, int selected) {
  *html += "<option value=\"" + std::to_string(value) + "\"";
  if (value == selected) *html += " selected";
  *html += ">" + html_escape(text) + "</option>";
}

void add_select(std::string* html, const char* name, const std::string& label) {
  *html += "<label for=\"";
  *html += name;
  *html += "\">" + html_escape(label) + "</label><select id=\"";
  *html += name;
  *html += "\" name=\"";
  *html += name;
  *html += "\">";
}

std::string transport_fields(const RsvpPageFacts& f) {
  const std::string& lang = f.language;
  const RsvpRecord* yes = f.current && f.current->answer == "yes" ? &*f.current : nullptr;
  std::string html;
  if (!f.pickups.empty()) {
    add_select(&html, "busSeats", Text{"Places dans l'autobus", "Seats on the bus"}.in(lang));
    add_option(&html, 0, Text{"Pas besoin de l'autobus", "No bus seat needed"}.in(lang),
               yes ? yes->bus_seats : 0);
    for (int n = 1; n <= kMaxBusSeats; ++n) {
      add_option(&html, n, count_of(n, lang, {"place", "seat"}, {"places", "seats"}),
                 yes ? yes->bus_seats : 0);
    }
    html += "</select>";
    // Radio buttons, not a list: a pickup point's name and time wrap on a narrow phone
    // where a <select> would cut them.
    html += "<fieldset><legend>" +
            html_escape(Text{"Départ de l'autobus", "Bus leaves from"}.in(lang)) + "</legend>";
    for (const PickupChoice& point : f.pickups) {
      html += "<label class=\"choice\"><input type=\"radio\" name=\"pickup\" value=\"" +
              html_escape(point.id) + "\"";
      if (point.id == f.selected_pickup) html += " checked";
      html += "> " + html_escape(point.description) + "</label>";
    }
    html += "</fieldset>";
  }
  if (f.car_seats) {
    add_select(&html, "carSeats",
               Text{"Places offertes dans mon auto", "Seats I offer in my car"}.in(lang));
    add_option(&html, 0, Text{"Aucune", "None"}.in(lang), yes ? yes->car_seats : 0);
    for (int n = 1; n <= kMaxCarSeats; ++n) {
      add_option(&html, n, count_of(n, lang, {"place", "seat"}, {"places", "seats"}),
                 yes ? yes->car_seats : 0);
    }
    html += "</select>";
  }
  add_select(&html, "party",
             Text{"Nombre de personnes (toi compris)", "People coming (you included)"}.in(lang));
  const int party = yes && yes->party > 0 ? yes->party : 1;
  add_option(&html, 1, Text{"1 (moi seulement)", "1 (just me)"}.in(lang), party);
  for (int n = 2; n <= kMaxParty; ++n) {
    add_option(&html, n, count_of(n, lang, {"personne", "person"}, {"personnes", "people"}), party);
  }
  html += "</select>";
  return html;
}

}  // namespace

std::string describe_rsvp(const RsvpRecord& record, const std::string& language,
                          const std::string& pickup) {
  std::string text = answer_word(record.answer, language);
  if (record.answer != "yes") return text;
  std::vector<std::string> parts;
  if (record.party > 1) {
    parts.push_back(
        count_of(record.party, language, {"personne", "person"}, {"personnes", "people"}));
  }
  if (record.bus_seats > 0) {
    std::string bus = Text{"autobus: ", "bus: "}.in(language) +
                      count_of(record.bus_seats, language, {"place", "seat"}, {"places", "seats"});
    if (!pickup.empty()) bus += " (" + pickup + ")";
    parts.push_back(bus);
  }
  if (record.car_seats > 0) {
    parts.push_back(count_of(record.car_seats, language,
                             {"place offerte en auto", "seat offered in my car"},
                             {"places offertes en auto", "seats offered in my car"}));
  }
  for (size_t i = 0; i < parts.size(); ++i) text += (i == 0 ? " — " : ", ") + parts[i];
  return text;
}

namespace {

// The member's check-in code: shown at the door or the bus, scanned by a coordinator.
std::string checkin_section(const RsvpPageFacts& f) {
  const std::string& lang = f.language;
  std::string html = "<section class=\"checkin\" aria-labelledby=\"checkin-title\">";
  html += "<h2 id=\"checkin-title\">" +
          html_escape(Text{"Ton code d'accueil", "Your check-in code"}.in(lang)) + "</h2>";
  html += "<p>" +
          html_escape(Text{"Montre ce code à l'entrée ou à l'autobus.",
                           "Show this code at the door or the bus."}
                          .in(lang)) +
          "</p>";
  if (!f.checkin_qr_svg.empty()) html += "<div class=\"qr\">" + f.checkin_qr_svg + "</div>";
  if (!f.checkin_code.empty()) {
    html += "<p class=\"code\">" + html_escape(Text{"Code : ", "Code: "}.in(lang)) +
            "<strong>" + html_escape(f.checkin_code) + "</strong></p>";
  }
  return html + "</section>\n";
}

}  // namespace

std::string rsvp_form_page(const RsvpPageFacts& f) {
  const std::string& lang = f.language;
  std::string body;
  body +=
      "<p>" +
      html_escape(f.first_name.empty() ? std::string(Text{"Bonjour,", "Hello,"}.in(lang))
                                       : Text{"Bonjour ", "Hello "}.in(lang) + f.first_name + ",") +
      "</p>\n";
  body += "<div class=\"event\"><h1>" + html_escape(f.title) + "</h1>";
  if (!f.when.empty()) {
    body += "<p>" + html_escape(Text{"Quand : ", "When: "}.in(lang) + f.when) + "</p>";
  }
  if (!f.place.empty()) {
    body += "<p>" + html_escape(Text{"Où : ", "Where: "}.in(lang) + f.place) + "</p>";
  }
  body += "</div>\n";
  if (f.current) {
    std::string pickup;
    for (const PickupChoice& point : f.pickups) {
      if (point.id == f.current->pickup) pickup = point.description;
    }
    body += "<p class=\"current\">" +
            html_escape(Text{"Ta réponse actuelle : ", "Your answer so far: "}.in(lang) +
                        describe_rsvp(*f.current, lang, pickup)) +
            "</p>\n";
    if (f.seat.state == "seated") {
      body += "<p class=\"current seat\">" +
              html_escape(Text{"Ta place : autobus ", "Your seat: bus "}.in(lang) +
                          std::to_string(f.seat.bus)) +
              "</p>\n";
    } else if (f.seat.state == "waitlisted") {
      body += "<p class=\"current seat\">" +
              html_escape(Text{"Autobus complets : tu es au rang ",
                               "Buses full: you are number "}
                              .in(lang) +
                          std::to_string(f.seat.rank) +
                          Text{" de la liste d'attente.", " on the waitlist."}.in(lang)) +
              "</p>\n";
    }
  } else {
    body +=
        "<p class=\"current\">" +
        html_escape(Text{"Tu n'as pas encore répondu.", "You have not answered yet."}.in(lang)) +
        "</p>\n";
  }
  if (!f.checkin_qr_svg.empty() || !f.checkin_code.empty()) body += checkin_section(f);
  if (!f.problem.empty()) body += "<p class=\"problem\">" + html_escape(f.problem) + "</p>\n";
  body +=
      "<form method=\"post\" action=\"" + html_escape(f.action) + "\" accept-charset=\"utf-8\">\n";
  body += "<input type=\"hidden\" name=\"formToken\" value=\"" + html_escape(f.form_token) + "\">";
  body += transport_fields(f);
  body += "<p class=\"hint\">" +
          html_escape(Text{"Autobus, auto et nombre de personnes comptent avec « Oui ».",
                           "Bus, car and people count with \"Yes\"."}
                          .in(lang)) +
          "</p>\n";
  body += "<button type=\"submit\" name=\"answer\" value=\"yes\" class=\"yes\">" +
          html_escape(Text{"Oui, je serai là", "Yes, I'll be there"}.in(lang)) + "</button>";
  body += "<button type=\"submit\" name=\"answer\" value=\"no\" class=\"no\">" +
          html_escape(Text{"Non, je ne pourrai pas", "No, I can't make it"}.in(lang)) + "</button>";
  body += "<button type=\"submit\" name=\"answer\" value=\"maybe\" class=\"maybe\">" +
          html_escape(Text{"Peut-être", "Maybe"}.in(lang)) + "</button>\n</form>";
  return rsvp_html_page(lang, f.title, body);
}

}  // namespace tocsin::replies
