#include "replies/reply_reader.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include "members/text_fold.h"
#include "replies/reply_reason.h"
#include "replies/reply_tokens.h"
#include "replies/reply_vocabulary.h"

namespace tocsin::replies {
namespace {

bool is_keyword(Meaning meaning) {
  return meaning == Meaning::stop || meaning == Meaning::start || meaning == Meaning::help;
}

Keyword keyword_of(Meaning meaning) {
  switch (meaning) {
    case Meaning::stop: return Keyword::stop;
    case Meaning::start: return Keyword::start;
    case Meaning::help: return Keyword::help;
    default: return Keyword::none;
  }
}

std::optional<Answer> answer_of(Meaning meaning) {
  switch (meaning) {
    case Meaning::yes: return Answer::yes;
    case Meaning::no: return Answer::no;
    case Meaning::maybe: return Answer::maybe;
    default: return std::nullopt;
  }
}

// fold() makes a line break a space; a ';' before it keeps the clause break it is
// ("Non\nje travaille"), which matters to a reason clause only.
std::string with_line_breaks_marked(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (c == '\n') out.push_back(';');
    out.push_back(c);
  }
  return out;
}

Language language_of(const std::vector<Hit>& hits) {
  bool fr = false, en = false;
  for (const Hit& hit : hits) {
    fr |= hit.language == Language::fr;
    en |= hit.language == Language::en;
  }
  if (fr == en) return Language::none;
  return fr ? Language::fr : Language::en;
}

// PRÉSENT is a yes word on its own; with the alert's code and nothing else it is a check-in.
bool is_presence_word(const Hit& hit, const std::vector<Token>& tokens) {
  if (hit.meaning == Meaning::here) return true;
  if (hit.meaning != Meaning::yes || hit.end != hit.begin + 1) return false;
  const std::string& word = tokens[hit.begin].text;
  return word == "present" || word == "presente" || word == "presents" || word == "presentes";
}

// One value said once or several times alike; `differs` when two disagree.
template <typename T>
struct Agreed {
  std::optional<T> value;
  bool differs = false;
  void add(const T& v) {
    if (!value) {
      value = v;
    } else if (*value != v) {
      differs = true;
    }
  }
};

}  // namespace

Reading read_reply(std::string_view utf8_text, const ReadOptions& options) {
  const auto unknown_reading = [](std::string_view reason, std::string code = {}) {
    Reading reading;
    reading.reason = std::string(reason);
    reading.alert_code = std::move(code);
    return reading;
  };
  if (members::trim(utf8_text).empty()) return unknown_reading("empty");
  if (utf8_text.size() > kMaxReplyBytes) return unknown_reading("too long");
  // Bytes that are not text hide what was written there: read nothing rather than the rest.
  if (!members::is_valid_utf8(utf8_text)) return unknown_reading("invalid UTF-8");

  const TokenizedReply reply = tokenize(members::fold(with_line_breaks_marked(utf8_text)));
  const WordsRead words = read_words(reply.tokens, options.pickup_ids);

  Agreed<std::string> code;
  for (const std::string& c : words.codes) code.add(c);
  const std::string quoted_code = code.value && !code.differs ? *code.value : std::string();
  const auto unknown = [&](std::string_view reason) {
    return unknown_reading(reason, quoted_code);
  };

  // A check-in: one word of presence and the alert's code, politeness at most beside them.
  {
    const Hit* presence = nullptr;
    bool alone = true;
    for (const Hit& hit : words.hits) {
      if (hit.meaning == Meaning::polite) continue;
      if (presence == nullptr && is_presence_word(hit, reply.tokens)) {
        presence = &hit;
      } else {
        alone = false;
      }
    }
    if (presence != nullptr && alone && words.unknown == 0 && !reply.question_mark &&
        !quoted_code.empty()) {
      Reading reading;
      reading.keyword = Keyword::here;
      reading.answer = Answer::yes;
      reading.confidence = Confidence::sure;
      reading.alert_code = quoted_code;
      reading.language = presence->language;
      return reading;
    }
    // HERE or ICI anywhere else is not guessed at: "ici" may be a place, "here" a question.
    const bool here_word = std::any_of(words.hits.begin(), words.hits.end(), [](const Hit& hit) {
      return hit.meaning == Meaning::here;
    });
    if (here_word) {
      return unknown(quoted_code.empty() ? "check-in without the alert's code"
                                         : "check-in among other words");
    }
  }

  // A keyword stands alone, with politeness at most: opting someone out on a misread
  // silences them.
  Agreed<Keyword> keyword;
  bool only_polite = true;
  bool question_word = false;
  for (const Hit& hit : words.hits) {
    if (is_keyword(hit.meaning)) {
      keyword.add(keyword_of(hit.meaning));
    } else if (hit.meaning != Meaning::polite) {
      only_polite = false;
    }
    question_word |= hit.meaning == Meaning::question;
  }
  if (keyword.value) {
    const bool asks_for_help = *keyword.value == Keyword::help;
    if (keyword.differs || !only_polite || words.unknown > 0 || !words.codes.empty() ||
        (reply.question_mark && !asks_for_help)) {
      return unknown("keyword among other words");
    }
    // The keyword's own language picks the answer's (STOP in English, ARRET in French),
    // whatever the politeness around it.
    std::vector<Hit> keywords;
    std::copy_if(words.hits.begin(), words.hits.end(), std::back_inserter(keywords),
                 [](const Hit& hit) { return is_keyword(hit.meaning); });
    Reading reading;
    reading.keyword = *keyword.value;
    reading.confidence = Confidence::sure;
    reading.language = language_of(keywords);
    return reading;
  }

  if (reply.question_mark || question_word) return unknown("question");
  if (code.differs) return unknown("different alert codes");

  // Words the vocabulary lacks are read past only as a reason clause after a clear answer
  // (reply_reason.h); what is read is then the phrases before them.
  std::vector<Hit> hits = words.hits;
  if (words.unknown > 0) {
    std::erase_if(hits, [&](const Hit& hit) { return hit.begin >= words.first_unknown; });
    Agreed<Answer> stated;
    for (const Hit& hit : hits) {
      if (const std::optional<Answer> a = answer_of(hit.meaning)) stated.add(*a);
    }
    if (!stated.value || stated.differs ||
        !reason_adds_nothing(reply, words, *stated.value)) {
      return unknown("unrecognised words");
    }
  }

  Agreed<Answer> answer;
  Agreed<int64_t> bus_count, car_count, party, pickup;
  bool bus = false, car = false, no_bus = false;
  for (const Hit& hit : hits) {
    if (const std::optional<Answer> a = answer_of(hit.meaning)) answer.add(*a);
    switch (hit.meaning) {
      case Meaning::bus:
        bus = true;
        if (hit.number) bus_count.add(*hit.number);
        break;
      case Meaning::car:
        car = true;
        if (hit.number) car_count.add(*hit.number);
        break;
      case Meaning::no_bus: no_bus = true; break;
      case Meaning::party_total:
        if (hit.number) party.add(*hit.number);
        break;
      case Meaning::party_guests:
        if (hit.number) party.add(std::min(*hit.number + 1, kMaxTokenNumber));
        break;
      case Meaning::pickup: pickup.add(hit.pickup); break;
      default: break;
    }
  }
  if (answer.differs) return unknown("contradictory answers");
  // A car says "no bus" too, so those two agree; the bus disagrees with either.
  if (bus_count.differs || car_count.differs || pickup.differs || (bus && (car || no_bus))) {
    return unknown("contradictory transport");
  }
  if (party.differs) return unknown("contradictory party sizes");
  if (pickup.value && !bus) return unknown("pickup point without a bus");

  const int64_t seats_offered = car_count.value.value_or(0);
  const bool says_coming = bus || (car && seats_offered >= 1) || party.value.has_value();
  Answer said = answer.value.value_or(Answer::none);
  if (said == Answer::none && says_coming) said = Answer::yes;
  if (said == Answer::no && (bus || car || party.value)) {
    return unknown("no with transport or party");
  }
  if (said == Answer::none) return unknown("no answer");

  Reading reading;
  reading.answer = said;
  reading.confidence = Confidence::sure;
  reading.alert_code = quoted_code;
  reading.language = language_of(hits);
  if (party.value) {
    if (*party.value >= 1 && *party.value <= kMaxParty) {
      reading.party = static_cast<int>(*party.value);
    } else {
      reading.flags.emplace_back(kPartyOutOfRange);
    }
  }
  if (bus) {
    reading.transport = Transport::bus;
    // "BUS" in a reply that says how many come asks a seat for each of them.
    const int64_t seats = bus_count.value.value_or(party.value.value_or(1));
    if (seats >= 1 && seats <= kMaxBusSeats) {
      reading.bus_seats = static_cast<int>(seats);
    } else {
      reading.flags.emplace_back(kBusSeatsOutOfRange);
    }
    if (pickup.value) reading.pickup_id = options.pickup_ids[*pickup.value];
  } else if (car) {
    reading.transport = Transport::car;
    if (seats_offered >= 0 && seats_offered <= kMaxCarSeats) {
      reading.car_seats = static_cast<int>(seats_offered);
    } else {
      reading.flags.emplace_back(kCarSeatsOutOfRange);
    }
  } else if (no_bus) {
    reading.transport = Transport::no_bus;
  }
  return reading;
}

namespace {

void append_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out.append("\\u00");
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  if (out.size() > 1) out.push_back(',');
  append_string(out, name);
  out.push_back(':');
  append_string(out, value);
}

void append_field(std::string& out, std::string_view name, int value) {
  if (out.size() > 1) out.push_back(',');
  append_string(out, name);
  out.push_back(':');
  out.append(std::to_string(value));
}

}  // namespace

std::string to_json(const Reading& reading) {
  std::string out = "{";
  append_field(out, "answer", to_string(reading.answer));
  append_field(out, "transport", to_string(reading.transport));
  const int seats = reading.transport == Transport::bus   ? reading.bus_seats
                    : reading.transport == Transport::car ? reading.car_seats
                                                          : 0;
  append_field(out, "seats", seats);
  append_field(out, "party", reading.party);
  append_field(out, "keyword", to_string(reading.keyword));
  append_field(out, "confidence", to_string(reading.confidence));
  append_field(out, "code", reading.alert_code);
  append_field(out, "pickup", reading.pickup_id);
  append_field(out, "language", to_string(reading.language));
  out.append(",\"flags\":[");
  for (size_t i = 0; i < reading.flags.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_string(out, reading.flags[i]);
  }
  out.push_back(']');
  append_field(out, "reason", reading.reason);
  out.push_back('}');
  return out;
}

std::string_view to_string(Answer answer) {
  switch (answer) {
    case Answer::yes: return "yes";
    case Answer::no: return "no";
    case Answer::maybe: return "maybe";
    case Answer::none: break;
  }
  return "none";
}

std::string_view to_string(Transport transport) {
  switch (transport) {
    case Transport::bus: return "bus";
    case Transport::car: return "car";
    case Transport::no_bus: return "no_bus";
    case Transport::none: break;
  }
  return "none";
}

std::string_view to_string(Keyword keyword) {
  switch (keyword) {
    case Keyword::stop: return "stop";
    case Keyword::start: return "start";
    case Keyword::help: return "help";
    case Keyword::here: return "here";
    case Keyword::none: break;
  }
  return "none";
}

std::string_view to_string(Confidence confidence) {
  return confidence == Confidence::sure ? "sure" : "unknown";
}

std::string_view to_string(Language language) {
  switch (language) {
    case Language::fr: return "fr";
    case Language::en: return "en";
    case Language::none: break;
  }
  return "none";
}

}  // namespace tocsin::replies
