#pragma once
// The reply reader: what a member's answer to an alert says, read without guessing.
// Pure code (no I/O, no clock, no global state but a constant vocabulary), safe on any bytes:
// the webhooks, the one-click page and `tocsin reply explain` all read replies through it.
//
// What it reads (French and English; case, accents, punctuation and doubled letters do not
// matter: "OUIII!!", "Ouï", "oui." are all "oui"):
//
//   answer      yes    OUI, YES, O, Y, OK, OUAIS, OUIN, YEP, D'ACCORD, PRÉSENT, DISPO, 👍,
//                      "je serai là", "j'y serai", "chu là", "j'arrive", "c'est sûr", "on y
//                      sera", "count me in", "I'll be there", "on my way"…
//               no     NON, NO, N, NOPE, 👎, IMPOSSIBLE, "pas capable", "je (ne) peux pas",
//                      "je serai pas là", "pas dispo", "chu pas dispo", "can't make it",
//                      "not coming"…
//               maybe  PEUT-ÊTRE, PEUT ETRE, PEUTETRE, P-E, P-T, PT, PTÊT, P'T-ÊTRE, PTÊTE,
//                      MAYBE (and mabey, maybee), PROB, PROLLY, MIGHT, PROBABLEMENT, "pas
//                      sûr", "chu pas sûr", "je sais pas", "chépas", "ça se peut", "not
//                      sure", "I might come", "je vais essayer", "on verra", "je verrai"…
//   transport   bus    BUS, AUTOBUS, "le bus", "besoin du bus": one seat needed; BUS 2, BUS2,
//                      BUS x2, "bus pour 2", "2 places dans le bus": two. A ride asked for in
//                      general words is a seat on the bus, the ride the union gives:
//                      "besoin d'un transport", "j'aurais besoin d'un lift", "need a ride",
//                      "I need a lift for 2". BUS with no count in a reply that gives its
//                      party size (below) needs a seat for each.
//               car    AUTO N, CAR N, VOITURE N, CHAR N, "N places dans mon auto", "j'ai N
//                      places", "j'ai de la place pour N (dans mon char)", "je peux
//                      embarquer/prendre/conduire N (personnes)", "je peux donner un lift à
//                      N", "I can take/drive N", "I have room for N": offers N seats; "en
//                      auto", "my car", "I can drive", AUTO alone: comes by car, offers none
//                      (car_seats 0). CAR alone is not read: in French "car" means "because".
//                      Not "amener"/"bring" N: those may be guests, not seats.
//               no_bus "pas de bus", "pas besoin de bus", "sans autobus", "no bus", "don't
//                      need a bus": comes without the bus.
//   party       +N (N guests: party N + 1, the member counts), "avec N amis" / "with N
//               friends" (N + 1), "nous serons N", "on sera N", "we'll be N", "N personnes",
//               "N of us" (N, the member included).
//   keyword     stop   STOP, STOPALL, "STOP ALL", ARRET, ARRÊT, UNSUBSCRIBE, DESABONNER,
//                      DÉSABONNER, END, QUIT, CANCEL, OPTOUT, "OPT-OUT", REVOKE
//                      (Canada's short-code rules require STOP, ARRET, HELP, AIDE, INFO in
//                      any case, subscribed or not; the rest are common variants)
//               start  START, UNSTOP, RESUME (re-subscribe)
//               help   HELP, AIDE, INFO, INFOS
//               here   PRÉSENT, PRÉSENTE, PRESENT, HERE, ICI with the alert's code and
//                      nothing else but politeness ("PRÉSENT A7", "here A7 thanks"): the
//                      member is at the door. Read as a yes too (answer yes): the reply
//                      worker counts it as a self-reported check-in on the event's day and
//                      as a yes before it. Without the code, PRÉSENT is a plain yes and
//                      HERE or ICI alone are unknown.
//   code        the alert's short code, A followed by digits ("OUI A7"), anywhere; "a07" and
//               "A7" are both "A7".
//   decoration  greetings and politeness (bonjour, merci, svp, please, thanks…), a few
//               harmless words (mais, et, aussi, super, solidarité…), punctuation, and every
//               emoji but 👍 and 👎 are read and carry no meaning.
//
// A transport need or offer, or a party size, without an answer is a yes ("BUS 2" alone
// comes), except a car offering no seat and no_bus, which say nothing about coming.
//
// A reason after a clear answer is read past: "Non, je suis de garde ce soir-là", "Oui,
// j'arrive après mon quart", "No, I'm out of town" read as the answer before the reason
// (with its transport, party and code, "OUI BUS, je finis tard" is a yes with a bus seat).
// Only when the answer is said first, in words (not implied by a transport), the reason is
// set off from it (punctuation, a subject or "because" first: "non je travaille", or an
// answer of several words before it: "je peux pas ce soir-là"; "no problem" is not), and
// it cannot change the answer: reply_reason.h lists what it must not hold (a count, a digit,
// another answer, a transport, a negation (after a no, one agrees with it), a condition, a
// contrast, a sarcasm, words about the messages, a companion after a yes or a maybe, a
// reason not to come after a yes, a word of coming after a no, quoted text). A conditional answer ("oui si je trouve un lift", "yes if I
// can") is unknown, not a maybe: what it hangs on is for a person to read.
//
// Never a guess. The reading is `unknown` (answer none, keyword none, transport none, no
// seats, no party) when the reply
//   - holds a word, number or sign the vocabulary does not know ("oui avec ma fille"),
//     other than in a reason clause as above ("Oui, je finis à 5", "oui c'est ça", "No
//     problem", "Non, arrête de m'écrire" stay unknown);
//   - is a question: a '?' or a question word ("c'est où", "à quelle heure", "when");
//   - contradicts itself: two answers ("oui non"), no with a bus, a car or a party, two
//     transports, two counts, two party sizes, two alert codes;
//   - holds a keyword among anything but politeness ("STOP svp" and "ARRET merci" opt out;
//     "j'arrête pas de penser à vous", "STOP A7", "stop le bus" do not);
//   - says no answer at all ("merci", "A7", 😀), is empty, is not valid UTF-8, or is longer
//     than kMaxReplyBytes.
// Keywords match only as written (ARRET, not "arrête", "STOPP" or "arrêtez"): an opt-out read
// wrongly silences a member, so anything less than the exact word goes to a person.
// Negation is read as phrases, never as a stray word: "non, pas de bus" is a no with no_bus,
// "oui mais pas besoin de bus" a yes with no_bus; a lone "pas" is an unknown word.
//
// Seat counts and party sizes outside their bounds (a bus request of 1..kMaxBusSeats, a car
// offer of 0..kMaxCarSeats, a party of 1..kMaxParty) are flagged and not stored: the answer
// and the transport still stand, the count reads 0, and flags names what was dropped.
//
// Note: on long codes Twilio itself also treats YES as START (adapters/README.md); here YES is an
// RSVP yes, and a member opted out with Twilio gets no alert to answer anyway.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::replies {

enum class Answer { none, yes, no, maybe };  // none: the reply answers nothing
enum class Transport {
  none,    // nothing said about transport
  bus,     // needs bus_seats seats on the union's bus
  car,     // comes by car and offers car_seats seats (0: none offered)
  no_bus,  // comes without the bus ("pas besoin de bus")
};
// opt-out, re-subscribe, help/info, a check-in at the door (PRÉSENT A7: answer is yes too)
enum class Keyword { none, stop, start, help, here };
enum class Confidence { sure, unknown };
// The language the reply's words are in, for answering a keyword in kind (STOP in English,
// ARRET in French); none when its words are neutral (OK, BUS, INFO, 👍) or mixed.
enum class Language { none, fr, en };

inline constexpr int kMaxBusSeats = 10;
inline constexpr int kMaxCarSeats = 8;
inline constexpr int kMaxParty = 20;
// A real answer is a few words; longer texts are conversations, for a person to read.
inline constexpr size_t kMaxReplyBytes = 640;

// Names in Reading::flags.
inline constexpr std::string_view kBusSeatsOutOfRange = "bus_seats_out_of_range";
inline constexpr std::string_view kCarSeatsOutOfRange = "car_seats_out_of_range";
inline constexpr std::string_view kPartyOutOfRange = "party_out_of_range";

// What the reader may know about the alert being answered.
struct ReadOptions {
  // The alert's pickup point ids (PickupPoint.id, e.g. "MTL"). With them, "BUS MTL" reads
  // the pickup point; a pickup id without a bus request is unknown. Without them an id is
  // an unknown word.
  std::vector<std::string> pickup_ids;
};

struct Reading {
  Answer answer = Answer::none;
  Keyword keyword = Keyword::none;
  Confidence confidence = Confidence::unknown;
  Transport transport = Transport::none;
  int bus_seats = 0;        // transport bus: seats needed, 1..kMaxBusSeats (0: out of range)
  int car_seats = 0;        // transport car: seats offered, 0..kMaxCarSeats
  int party = 0;            // people coming, the member included; 0 = not said or out of range
  std::string pickup_id;    // as given in ReadOptions, when the reply names one
  std::string alert_code;   // "A7" when the reply quotes a code, also when unknown
  Language language = Language::none;
  std::vector<std::string> flags;  // counts read but not stored (kBusSeatsOutOfRange…)
  // Why the reading is unknown, in a few words that never quote the reply: "empty",
  // "too long", "invalid UTF-8", "question", "unrecognised words", "keyword among other
  // words", "contradictory answers", "no with transport or party", "contradictory
  // transport", "contradictory party sizes", "pickup point without a bus", "different alert
  // codes", "no answer". Empty when sure.
  std::string reason;

  bool sure() const { return confidence == Confidence::sure; }
};

// Reads one reply. Never throws on content; any bytes are accepted (invalid UTF-8 reads
// unknown). Bounded time: a reply longer than kMaxReplyBytes is not read ("too long").
Reading read_reply(std::string_view utf8_text, const ReadOptions& options = {});

// One line of compact JSON with every field, e.g.
// {"answer":"yes","transport":"bus","seats":2,"party":3,"keyword":"none",
//  "confidence":"sure","code":"A7","pickup":"","language":"fr","flags":[],"reason":""}
// "seats" is bus_seats for a bus, car_seats for a car, else 0.
std::string to_json(const Reading& reading);

// The names used in the JSON: "none", "yes", "no", "maybe", "bus", "car", "no_bus", "stop",
// "start", "help", "here", "sure", "unknown", "fr", "en".
std::string_view to_string(Answer answer);
std::string_view to_string(Transport transport);
std::string_view to_string(Keyword keyword);
std::string_view to_string(Confidence confidence);
std::string_view to_string(Language language);

}  // namespace tocsin::replies
