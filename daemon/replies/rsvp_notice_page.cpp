#include "replies/rsvp_notice_page.h"

#include "http/html_escape.h"
#include "replies/reply_reader.h"
#include "replies/rsvp_page_layout.h"

namespace tocsin::replies {
namespace {

using http::html_escape;

struct Notice {
  const char* title_fr;
  const char* text_fr;
  const char* title_en;
  const char* text_en;
};

Notice notice_of(RsvpRefusal refusal) {
  switch (refusal) {
    case RsvpRefusal::invalid:
      return {"Lien non valide",
              "Ce lien de réponse n'est pas valide. Vérifie qu'il est complet (copie-le en "
              "entier depuis le courriel), ou réponds au SMS reçu.",
              "Invalid link",
              "This answer link is not valid. Check that it is complete (copy all of it from "
              "the email), or reply to the SMS you received."};
    case RsvpRefusal::closed:
      return {"Réponses fermées",
              "Cet appel ne prend plus de réponses : il est terminé, annulé ou expiré.",
              "Answers closed",
              "This call no longer takes answers: it is over, cancelled or expired."};
    case RsvpRefusal::foreign_origin:
      return {"Réponse refusée",
              "Cette réponse ne vient pas de notre page. Ouvre le lien reçu par courriel ou par "
              "texto pour répondre.",
              "Answer refused",
              "This answer did not come from our page. Open the link in your email or text "
              "message to answer."};
    case RsvpRefusal::unavailable:
      return {"Service momentanément indisponible",
              "Ta réponse n'a pas pu être lue ni enregistrée. Réessaie dans quelques "
              "instants.",
              "Temporarily unavailable",
              "Your answer could not be read or recorded. Please try again in a moment."};
    case RsvpRefusal::failed:
      break;
  }
  return {"Erreur", "Une erreur est survenue. Réessaie plus tard, ou réponds au SMS reçu.", "Error",
          "Something went wrong. Please try again later, or reply to the SMS you received."};
}

}  // namespace

std::string rsvp_done_page(const std::string& language, std::string_view confirmation,
                           std::string_view back) {
  const bool en = language == "en";
  const std::string title = en ? "Answer recorded" : "Réponse enregistrée";
  std::string body = "<h1>" + html_escape(title) + "</h1>\n<p class=\"current\">" +
                     html_escape(confirmation) + "</p>\n<p><a href=\"" + html_escape(back) + "\">" +
                     html_escape(en ? "Change my answer" : "Modifier ma réponse") + "</a></p>";
  return rsvp_html_page(language, title, body);
}

std::string rsvp_refusal_page(RsvpRefusal refusal) {
  const Notice n = notice_of(refusal);
  std::string body = "<div lang=\"fr\"><h1>" + html_escape(n.title_fr) + "</h1><p>" +
                     html_escape(n.text_fr) + "</p></div>\n<hr>\n<div lang=\"en\"><h1>" +
                     html_escape(n.title_en) + "</h1><p>" + html_escape(n.text_en) + "</p></div>";
  return rsvp_html_page("fr", std::string(n.title_fr) + " / " + n.title_en, body);
}

std::string describe_problem(const FieldProblem& problem, const std::string& language) {
  const bool en = language == "en";
  auto bounds = [en](const char* label_fr, const char* label_en, int high) {
    return std::string(en ? label_en : label_fr) + (en ? ": 0 to " : " : de 0 à ") +
           std::to_string(high) + ".";
  };
  if (problem.field == "busSeats") {
    return bounds("Places dans l'autobus", "Seats on the bus", kMaxBusSeats);
  }
  if (problem.field == "carSeats") {
    return bounds("Places offertes dans mon auto", "Seats I offer in my car", kMaxCarSeats);
  }
  if (problem.field == "party") {
    return bounds("Nombre de personnes", "People coming", kMaxParty);
  }
  if (problem.field == "pickup") {
    return en ? "Bus leaves from: choose one of the pickup points listed."
              : "Départ de l'autobus : choisis un des points de départ proposés.";
  }
  if (problem.field == "answer") {
    return en ? "Choose Yes, No or Maybe." : "Choisis Oui, Non ou Peut-être.";
  }
  return en ? "The form could not be read; please try again."
            : "Le formulaire n'a pas pu être lu; réessaie.";
}

}  // namespace tocsin::replies
