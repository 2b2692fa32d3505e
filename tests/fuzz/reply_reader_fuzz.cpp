// The reply reader on arbitrary bytes, and on random sentences of its own vocabulary (first
// byte odd: each following byte picks a word, so the fuzzer reaches the phrases quickly).
// Checks: no crash; a reading is either sure (one answer or one keyword) or unknown with
// nothing in it (never a no, never an opt-out) and a reason; counts within their bounds and
// only on their transport; a code looks like one; reading twice gives the same. And the
// reason clause (reply_reason.h) never guesses: an unknown word before the answer makes any
// reply unknown; one after it either makes the reply unknown or leaves its reading exactly
// as it was; and an unknown word followed by a count, a negation, a condition, a contrast, a
// transport or a quotation mark always makes it unknown.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "replies/reply_reader.h"

namespace {

using namespace tocsin::replies;

void check(bool condition) {
  if (!condition) std::abort();
}

constexpr std::string_view kWords[] = {
    "oui", "OUI", "non", "NON", "no", "yes", "peut-être", "PEUT ETRE", "maybe", "pas",
    "sûr", "de", "besoin", "bus", "BUS", "autobus", "auto", "car", "voiture", "places",
    "dans", "le", "mon", "j'ai", "je", "ne", "peux", "serai", "là", "j'y", "y", "+",
    "nous", "serons", "on", "sera", "we", "will", "be", "avec", "amis", "friends", "0",
    "1", "2", "3", "8", "9", "10", "11", "20", "21", "99999999999", "deux", "A7", "a8",
    "A0", "STOP", "stop", "ARRÊT", "arret", "START", "HELP", "AIDE", "INFO", "svp",
    "merci", "please", "mais", "et", "?", "!", ",", ".", "'", "-", "👍", "👎", "😀",
    "ouiii", "OUU", "nonn", "noon", "où", "quand", "c'est", "x2", "bus2", "auto3",
    "i", "can't", "make", "it", "I'll", "there", "MTL", "pour", "for", "of", "us",
    "personnes", "pas de bus", "sans", "en", "covoiturage", "disponibles", "\xff",
    "\xc3", "\u00a0", "zorglub", "p-t", "ptêt", "ouin", "chu", "j'arrive", "après", "mon",
    "quart", "de garde", "je travaille", "travail", "si", "if", "lift", "ride", "transport",
    "need a", "besoin d'un", "room", "drive", "je peux", "conduire", "de la place", "place",
    "c'est", "ça", "problem", "\"", ">", "\n", "désolé", "ma fille", "arrête", "plus",
    "17h", "un", "no way", "i'm", "out", "working",
};

// Words that, after an unknown word, always leave the reply unknown.
// (One negation agrees with a no, so two: "pas pas".)
constexpr std::string_view kAddsToAnswer[] = {"2",    "deux", "pas pas", "si", "mais", "bus",
                                              "lift", "stop", "\"",      "?",  "17h"};

std::string sentence(const uint8_t* data, size_t size) {
  std::string text;
  for (size_t i = 0; i < size; ++i) {
    if (!text.empty() && (data[i] & 0x80) == 0) text.push_back(' ');
    text.append(kWords[data[i] % std::size(kWords)]);
  }
  return text;
}

bool looks_like_code(const std::string& code) {
  if (code.size() < 2 || code.size() > 10 || code[0] != 'A' || code[1] == '0') return false;
  for (size_t i = 1; i < code.size(); ++i) {
    if (code[i] < '0' || code[i] > '9') return false;
  }
  return true;
}

bool has_flag(const Reading& reading, std::string_view flag) {
  for (const std::string& f : reading.flags) {
    if (f == flag) return true;
  }
  return false;
}

void check_reading(const Reading& reading) {
  check(reading.alert_code.empty() || looks_like_code(reading.alert_code));
  check(reading.bus_seats >= 0 && reading.bus_seats <= kMaxBusSeats);
  check(reading.car_seats >= 0 && reading.car_seats <= kMaxCarSeats);
  check(reading.party >= 0 && reading.party <= kMaxParty);
  if (reading.transport != Transport::bus) check(reading.bus_seats == 0);
  if (reading.transport != Transport::car) check(reading.car_seats == 0);
  if (reading.transport == Transport::bus && reading.bus_seats == 0) {
    check(has_flag(reading, kBusSeatsOutOfRange));
  }
  if (!reading.sure()) {
    check(reading.answer == Answer::none);
    check(reading.keyword == Keyword::none);
    check(reading.transport == Transport::none);
    check(reading.bus_seats == 0 && reading.car_seats == 0 && reading.party == 0);
    check(reading.flags.empty());
    check(!reading.reason.empty());
    return;
  }
  check(reading.reason.empty());
  check((reading.answer != Answer::none) != (reading.keyword != Keyword::none));
  if (reading.keyword != Keyword::none) {
    check(reading.transport == Transport::none && reading.party == 0);
    check(reading.alert_code.empty() && reading.flags.empty());
  }
  if (reading.answer == Answer::no) {
    check(reading.transport == Transport::none || reading.transport == Transport::no_bus);
    check(reading.party == 0 && reading.flags.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text = (data[0] & 1) != 0
                               ? sentence(data + 1, size - 1)
                               : std::string(reinterpret_cast<const char*>(data) + 1, size - 1);
  ReadOptions options;
  if ((data[0] & 2) != 0) options.pickup_ids = {"MTL", "Longueuil", ""};

  const Reading reading = read_reply(text, options);
  check_reading(reading);
  if (!reading.pickup_id.empty()) check(reading.transport == Transport::bus);
  const std::string json = to_json(reading);
  check(json.size() > 2 && json.front() == '{' && json.back() == '}');
  check(to_json(read_reply(text, options)) == json);

  // Before the answer, a word the vocabulary lacks makes any reply unknown.
  if (text.size() + 8 <= kMaxReplyBytes) check(!read_reply("zorglub " + text, options).sure());
  // After it, a reason clause adds nothing: the reading stays exactly as it was, or unknown.
  if (text.size() + 8 <= kMaxReplyBytes) {
    const Reading with_reason = read_reply(text + " zorglub", options);
    if (with_reason.sure()) check(to_json(with_reason) == json);
  }
  // ...and one that would add a count, a negation, a condition or a transport is unknown.
  const std::string_view adds = kAddsToAnswer[size % std::size(kAddsToAnswer)];
  if (text.size() + 9 + adds.size() <= kMaxReplyBytes) {
    check(!read_reply(text + " zorglub " + std::string(adds), options).sure());
  }
  return 0;
}
