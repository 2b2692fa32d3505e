// The reply reader on replies as members write them: a table of real-looking answers in
// French and English (typos, emojis, extra words, codes and the traps), each row its own
// test, then focused tests of bounds, codes, negations, keywords and the JSON.

#include "replies/reply_reader.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

namespace tocsin::replies {
namespace {

constexpr Answer yes = Answer::yes;
constexpr Answer no = Answer::no;
constexpr Answer maybe = Answer::maybe;
constexpr Answer unknown = Answer::none;  // with no keyword: the reading must be unknown
constexpr Transport T0 = Transport::none;
constexpr Transport bus = Transport::bus;
constexpr Transport car = Transport::car;
constexpr Transport no_bus = Transport::no_bus;
constexpr Keyword K0 = Keyword::none;
constexpr Keyword stop = Keyword::stop;
constexpr Keyword start = Keyword::start;
constexpr Keyword help = Keyword::help;

struct Row {
  const char* text;
  Answer answer;
  Transport transport = T0;
  int seats = 0;  // bus seats for a bus, car seats for a car
  int party = 0;
  Keyword keyword = K0;
  const char* code = "";
};

// Keywords: the answer is none and the reading sure.
Row kw(const char* text, Keyword keyword) {
  return Row{text, Answer::none, T0, 0, 0, keyword, ""};
}

const std::vector<Row> kRows = {
    // --- yes, in French --------------------------------------------------------------------
    {"OUI", yes},
    {"oui", yes},
    {"Oui.", yes},
    {"Oui!", yes},
    {"oui merci", yes},
    {"Oui, merci!", yes},
    {"OUI 👍", yes},
    {"Ouiii", yes},
    {"OUIIII!!!", yes},
    {"OUU", yes},
    {"ouu", yes},
    {"Ouii merci", yes},
    {"Ouï", yes},
    {"Ouais", yes},
    {"ouep", yes},
    {"O", yes},
    {"o", yes},
    {"Ok", yes},
    {"OK merci", yes},
    {"Okay", yes},
    {"O.K.", yes},
    {"D'accord", yes},
    {"dac", yes},
    {"Oui je serai là", yes},
    {"Oui, je serai la!", yes},
    {"J'y serai", yes},
    {"j’y serai", yes},
    {"Jy serai", yes},
    {"Présent", yes},
    {"présente!", yes},
    {"Présent(e)", yes},
    {"Je serai présente", yes},
    {"On y sera", yes},
    {"Certain!", yes},
    {"Bien sûr", yes},
    {"Absolument", yes},
    {"Compte sur moi", yes},
    {"Comptez sur moi!", yes},
    {"Je viens", yes},
    {"Oui oui", yes},
    {"Ben oui", yes},
    {"Oui, solidarité! ✊", yes},
    {"Bonjour, oui je serai là. Merci", yes},
    {"Oui svp", yes},
    {"Je suis partante", yes},
    {"Oui dispo", yes},
    {"oui je confirme", yes},
    {"Oui ça marche", yes},
    {"oui avec plaisir", yes},
    {"ouiiii 😊😊", yes},
    {"OUI\u00A0!", yes},
    // --- yes, in English -------------------------------------------------------------------
    {"YES", yes},
    {"yes", yes},
    {"Yes!", yes},
    {"Yesss", yes},
    {"yes please", yes},
    {"Y", yes},
    {"Yep", yes},
    {"yeah", yes},
    {"Sure", yes},
    {"Yes, thank you", yes},
    {"I'll be there", yes},
    {"Ill be there", yes},
    {"I will be there!", yes},
    {"Count me in", yes},
    {"I'm in", yes},
    {"im in", yes},
    {"See you there", yes},
    {"Definitely", yes},
    {"Of course!", yes},
    {"👍", yes},
    {"👍🏽", yes},
    {"👍👍", yes},
    {"Yes 👍", yes},
    {"OK 👍", yes},
    // --- codes -----------------------------------------------------------------------------
    {"Oui A7", yes, T0, 0, 0, K0, "A7"},
    {"A7 oui", yes, T0, 0, 0, K0, "A7"},
    {"oui a7", yes, T0, 0, 0, K0, "A7"},
    {"OUI #A7", yes, T0, 0, 0, K0, "A7"},
    {"oui (A12)", yes, T0, 0, 0, K0, "A12"},
    {"OUI A07", yes, T0, 0, 0, K0, "A7"},
    {"Yes A7", yes, T0, 0, 0, K0, "A7"},
    {"Non A7", no, T0, 0, 0, K0, "A7"},
    {"maybe A7", maybe, T0, 0, 0, K0, "A7"},
    {"OUI BUS A7", yes, bus, 1, 0, K0, "A7"},
    {"A7 A7 oui", yes, T0, 0, 0, K0, "A7"},
    // --- no --------------------------------------------------------------------------------
    {"NON", no},
    {"non", no},
    {"Non.", no},
    {"Nonn", no},
    {"nonnn", no},
    {"Non merci", no},
    {"N", no},
    {"Nan", no},
    {"Non, désolé", no},
    {"Malheureusement non", no},
    {"Pas capable", no},
    {"Je ne peux pas", no},
    {"je peux pas", no},
    {"Je ne pourrai pas", no},
    {"Je pourrai pas venir", no},
    {"Impossible", no},
    {"Je serai pas là", no},
    {"Je ne serai pas là, désolée", no},
    {"Pas dispo", no},
    {"Je n'y serai pas", no},
    {"Pas cette fois", no},
    {"Non non", no},
    {"NO", no},
    {"No", no},
    {"No thanks", no},
    {"Nope", no},
    {"Sorry, can't make it", no},
    {"I can't", no},
    {"I cant come", no},
    {"I won't be there", no},
    {"Not coming", no},
    {"👎", no},
    {"non 👎", no},
    {"non, pas de bus", no, no_bus},
    {"Non pas de bus merci", no, no_bus},
    {"No, no bus", no, no_bus},
    // --- maybe -----------------------------------------------------------------------------
    {"PEUT-ÊTRE", maybe},
    {"Peut-être", maybe},
    {"peut etre", maybe},
    {"PEUTETRE", maybe},
    {"P-E", maybe},
    {"pe", maybe},
    {"Peut-être 🤔", maybe},
    {"Peut-être pas", maybe},
    {"Maybe", maybe},
    {"Pas sûr", maybe},
    {"pas sure", maybe},
    {"Je ne sais pas encore", maybe},
    {"Je sais pas", maybe},
    {"Not sure", maybe},
    {"Not sure yet", maybe},
    {"Je vais essayer", maybe},
    {"Probablement", maybe},
    {"On verra", maybe},
    {"I'll try", maybe},
    {"Peut-être, bus 2", maybe, bus, 2},
    {"Maybe, no bus", maybe, no_bus},
    {"Peut-être +1", maybe, T0, 0, 2},
    // --- the bus -----------------------------------------------------------------------------
    {"OUI BUS", yes, bus, 1},
    {"OUI BUS svp", yes, bus, 1},
    {"Oui bus", yes, bus, 1},
    {"oui autobus", yes, bus, 1},
    {"OUI BUS 2", yes, bus, 2},
    {"oui bus2", yes, bus, 2},
    {"Oui, bus pour 2", yes, bus, 2},
    {"BUS", yes, bus, 1},
    {"bus 2", yes, bus, 2},
    {"Oui, 2 places dans le bus", yes, bus, 2},
    {"Oui j'ai besoin du bus", yes, bus, 1},
    {"Yes, I need a seat", yes, bus, 1},
    {"Yes bus 2 please", yes, bus, 2},
    {"oui autobus deux", yes, bus, 2},
    {"OUI BUS x2", yes, bus, 2},
    {"OUI BUS 50", yes, bus, 0},  // out of range: flagged, not stored
    // --- a car -------------------------------------------------------------------------------
    {"OUI AUTO 3", yes, car, 3},
    {"oui auto3", yes, car, 3},
    {"AUTO 3", yes, car, 3},
    {"CAR 3", yes, car, 3},
    {"Voiture 4", yes, car, 4},
    {"Oui, j'ai 3 places", yes, car, 3},
    {"Yes car 2", yes, car, 2},
    {"Oui en auto", yes, car, 0},
    {"Oui, je viens en auto", yes, car, 0},
    {"Oui, pas besoin de bus, auto 3", yes, car, 3},
    {"OUI AUTO 12", yes, car, 0},  // out of range: flagged, not stored
    // --- without the bus -------------------------------------------------------------------
    {"Oui mais pas besoin de bus", yes, no_bus},
    {"oui mais pas besoin de bus", yes, no_bus},
    {"oui, pas de bus", yes, no_bus},
    {"Yes, no bus needed", yes, no_bus},
    {"Oui sans bus", yes, no_bus},
    // --- party size ------------------------------------------------------------------------
    {"Oui +2", yes, T0, 0, 3},
    {"+1", yes, T0, 0, 2},
    {"OUI +2 BUS", yes, bus, 3, 3},
    {"Oui nous serons 4", yes, T0, 0, 4},
    {"On sera 3", yes, T0, 0, 3},
    {"We will be 4", yes, T0, 0, 4},
    {"We'll be 2", yes, T0, 0, 2},
    {"Oui, 3 personnes", yes, T0, 0, 3},
    {"Yes, with 2 friends", yes, T0, 0, 3},
    {"Oui avec 2 collègues", yes, T0, 0, 3},
    {"oui bus 2 +1", yes, bus, 2, 2},
    // --- keywords ---------------------------------------------------------------------------
    kw("STOP", stop),
    kw("stop", stop),
    kw("Stop.", stop),
    kw("STOP svp", stop),
    kw("Stop please", stop),
    kw("ARRET", stop),
    kw("ARRÊT", stop),
    kw("Arrêt merci", stop),
    kw("arret", stop),
    kw("UNSUBSCRIBE", stop),
    kw("Désabonner", stop),
    kw("DESABONNER", stop),
    kw("END", stop),
    kw("QUIT", stop),
    kw("CANCEL", stop),
    kw("STOPALL", stop),
    kw("Opt-out", stop),
    kw("START", start),
    kw("UNSTOP", start),
    kw("HELP", help),
    kw("AIDE", help),
    kw("INFO", help),
    kw("aide?", help),
    kw("Help please", help),
    // --- traps: never a guess, never a no, never an opt-out ----------------------------------
    {"j'arrête pas de penser à vous", unknown},
    {"J'arrête pas", unknown},
    {"oui non", unknown},
    {"Oui... non", unknown},
    {"c'est où?", unknown},
    {"C'est où", unknown},
    {"À quelle heure?", unknown},
    {"a quelle heure", unknown},
    {"Oui, c'est où?", unknown},
    {"Where is it?", unknown},
    {"Oui?", unknown},
    {"Bus?", unknown},
    {"STOP A7", unknown, T0, 0, 0, K0, "A7"},
    {"stop le bus", unknown},
    {"Non stop", unknown},
    {"STOP oui", unknown},
    {"Arrête", unknown},
    {"Arrêtez de m'écrire", unknown},
    {"Stopp", unknown},
    {"Oui A7 A8", unknown},
    {"Non bus", unknown},
    {"non auto 3", unknown},
    {"Non +2", unknown},
    {"BUS 2 AUTO 3", unknown},
    {"Bus mais pas de bus", unknown},
    {"merci", unknown},
    {"Merci pour l'info", unknown},
    {"A7", unknown, T0, 0, 0, K0, "A7"},
    {"😀", unknown},
    {"💪✊", unknown},
    {"", unknown},
    {"   ", unknown},
    {"Oui je serai là avec ma fille", unknown},
    {"Oui car je suis motivé", unknown},
    {"noon", unknown},
    {"pas besoin", unknown},
    {"no bus", unknown},
    {"en auto", unknown},
    {"Oui je pense", unknown},
    {"Hmm oui", unknown},
    {"Oui mais je travaille", unknown},
    {"Oui 2", unknown},
    {"Peut-être oui", unknown},
    {"Yes no", unknown},
    {"No problem", unknown},
    {"Pas de problème", unknown},
    {"Oui 👎", unknown},
    {"Oui, bus 2, nous serons 3... non", unknown},
    {"Ou", unknown},
    {"Quand?", unknown},
    {"oui, quand", unknown},
    {"Bus 2 bus 3", unknown},
    {"+2 nous serons 5", unknown},
    {"Да", unknown},
    {"是", unknown},
    {"Oui à 7h", unknown},
    {"Pas", unknown},
    {"Oui pas", unknown},
    {"Je ne peux pas ne pas venir", unknown},
    {"Non je veux dire oui", unknown},
};

std::string test_name(const ::testing::TestParamInfo<Row>& info) {
  std::string name = "r" + std::to_string(info.index) + "_";
  for (const char* c = info.param.text; *c != '\0'; ++c) {
    const unsigned char u = static_cast<unsigned char>(*c);
    if (u < 0x80 && std::isalnum(u)) name.push_back(*c);
    else if (name.back() != '_') name.push_back('_');
  }
  return name;
}

class ReplyTable : public ::testing::TestWithParam<Row> {};

TEST_P(ReplyTable, ReadsAsExpected) {
  const Row& row = GetParam();
  const Reading reading = read_reply(row.text);
  SCOPED_TRACE(to_json(reading));
  const bool sure = row.answer != Answer::none || row.keyword != Keyword::none;
  EXPECT_EQ(reading.confidence, sure ? Confidence::sure : Confidence::unknown);
  EXPECT_EQ(reading.answer, row.answer);
  EXPECT_EQ(reading.keyword, row.keyword);
  EXPECT_EQ(reading.transport, row.transport);
  EXPECT_EQ(reading.transport == Transport::bus ? reading.bus_seats : reading.car_seats,
            row.seats);
  if (reading.transport != Transport::bus) {
    EXPECT_EQ(reading.bus_seats, 0);
  }
  if (reading.transport != Transport::car) {
    EXPECT_EQ(reading.car_seats, 0);
  }
  EXPECT_EQ(reading.party, row.party);
  EXPECT_EQ(reading.alert_code, row.code);
  EXPECT_EQ(reading.reason.empty(), sure) << reading.reason;
}

INSTANTIATE_TEST_SUITE_P(RealReplies, ReplyTable, ::testing::ValuesIn(kRows), test_name);

TEST(RepliesReplyReader, TableIsLargeAndCoversEveryOutcome) {
  size_t counts[4] = {}, keywords = 0, unknowns = 0;
  for (const Row& row : kRows) {
    counts[static_cast<int>(row.answer)]++;
    if (row.keyword != Keyword::none) ++keywords;
    else if (row.answer == Answer::none) ++unknowns;
  }
  EXPECT_GE(kRows.size(), 150u);
  EXPECT_GE(counts[static_cast<int>(Answer::yes)], 50u);
  EXPECT_GE(counts[static_cast<int>(Answer::no)], 25u);
  EXPECT_GE(counts[static_cast<int>(Answer::maybe)], 15u);
  EXPECT_GE(keywords, 20u);
  EXPECT_GE(unknowns, 50u);
}

// --- bounds ---------------------------------------------------------------------------------

bool flagged(const Reading& reading, std::string_view flag) {
  for (const std::string& f : reading.flags) {
    if (f == flag) return true;
  }
  return false;
}

TEST(RepliesReplyReader, CarSeatsUpToEightAreStoredMoreAreFlagged) {
  Reading eight = read_reply("OUI AUTO 8");
  EXPECT_EQ(eight.car_seats, 8);
  EXPECT_TRUE(eight.flags.empty());

  Reading nine = read_reply("OUI AUTO 9");
  EXPECT_EQ(nine.answer, Answer::yes);
  EXPECT_EQ(nine.transport, Transport::car);
  EXPECT_EQ(nine.car_seats, 0);
  EXPECT_EQ(nine.flags, std::vector<std::string>{std::string(kCarSeatsOutOfRange)});
  EXPECT_TRUE(nine.sure());
}

TEST(RepliesReplyReader, BusSeatsFromOneToTenAreStoredOthersAreFlagged) {
  EXPECT_EQ(read_reply("BUS 10").bus_seats, 10);
  for (const char* text : {"OUI BUS 11", "OUI BUS 0", "BUS 400"}) {
    SCOPED_TRACE(text);
    const Reading reading = read_reply(text);
    EXPECT_EQ(reading.answer, Answer::yes);
    EXPECT_EQ(reading.transport, Transport::bus);
    EXPECT_EQ(reading.bus_seats, 0);
    EXPECT_TRUE(flagged(reading, kBusSeatsOutOfRange));
  }
}

TEST(RepliesReplyReader, PartyFromOneToTwentyIsStoredOthersAreFlagged) {
  EXPECT_EQ(read_reply("+19").party, 20);
  EXPECT_EQ(read_reply("nous serons 20").party, 20);
  for (const char* text : {"oui +20", "nous serons 21", "on sera 0", "oui +500"}) {
    SCOPED_TRACE(text);
    const Reading reading = read_reply(text);
    EXPECT_EQ(reading.answer, Answer::yes);
    EXPECT_EQ(reading.party, 0);
    EXPECT_TRUE(flagged(reading, kPartyOutOfRange));
  }
}

TEST(RepliesReplyReader, HugeCountsAreFlaggedNotOverflowed) {
  const Reading reading = read_reply("OUI AUTO 99999999999999999999999999");
  EXPECT_EQ(reading.car_seats, 0);
  EXPECT_TRUE(flagged(reading, kCarSeatsOutOfRange));
  const Reading party = read_reply("+99999999999999999999999999");
  EXPECT_EQ(party.party, 0);
  EXPECT_TRUE(flagged(party, kPartyOutOfRange));
}

TEST(RepliesReplyReader, BusWithoutCountTakesTheParty) {
  EXPECT_EQ(read_reply("oui nous serons 3, bus").bus_seats, 3);
  EXPECT_EQ(read_reply("BUS +1").bus_seats, 2);
  EXPECT_EQ(read_reply("BUS 1 +1").bus_seats, 1);  // a count given is kept as given
  const Reading big = read_reply("BUS +14");
  EXPECT_EQ(big.party, 15);
  EXPECT_EQ(big.bus_seats, 0);
  EXPECT_TRUE(flagged(big, kBusSeatsOutOfRange));
}

// --- codes ----------------------------------------------------------------------------------

TEST(RepliesReplyReader, CodeIsReadAnywhereAndKeptWhenUnknown) {
  EXPECT_EQ(read_reply("A123 bus oui").alert_code, "A123");
  EXPECT_EQ(read_reply("oui bus 2 a45").alert_code, "A45");
  const Reading question = read_reply("A7 c'est où?");
  EXPECT_FALSE(question.sure());
  EXPECT_EQ(question.alert_code, "A7");
  EXPECT_EQ(read_reply("OUI").alert_code, "");
}

TEST(RepliesReplyReader, OnlyAFollowedByDigitsIsACode) {
  EXPECT_FALSE(read_reply("oui A0").sure());          // codes start at A1
  EXPECT_FALSE(read_reply("oui A1234567890").sure());  // longer than any code
  EXPECT_FALSE(read_reply("oui AB7").sure());
  const Reading two = read_reply("oui A7 A8");
  EXPECT_EQ(two.reason, "different alert codes");
  EXPECT_EQ(two.alert_code, "");
}

// --- negations --------------------------------------------------------------------------------

TEST(RepliesReplyReader, NegationsAreReadAsPhrases) {
  const Reading no = read_reply("non, pas de bus");
  EXPECT_EQ(no.answer, Answer::no);
  EXPECT_EQ(no.transport, Transport::no_bus);
  EXPECT_EQ(no.bus_seats, 0);

  const Reading yes = read_reply("oui mais pas besoin de bus");
  EXPECT_EQ(yes.answer, Answer::yes);
  EXPECT_EQ(yes.transport, Transport::no_bus);

  EXPECT_EQ(read_reply("je serai là").answer, Answer::yes);
  EXPECT_EQ(read_reply("je serai pas là").answer, Answer::no);
  EXPECT_EQ(read_reply("pas sûr").answer, Answer::maybe);
  EXPECT_EQ(read_reply("pas capable").answer, Answer::no);
  EXPECT_EQ(read_reply("j'ai pas besoin du bus, oui").transport, Transport::no_bus);
}

TEST(RepliesReplyReader, UnknownIsNeverANoNorAnOptOut) {
  for (const char* text : {"j'arrête pas", "j'arrête pas de penser à vous", "non stop",
                           "STOP oui", "stop le bus", "pas", "non?", "STOP?"}) {
    SCOPED_TRACE(text);
    const Reading reading = read_reply(text);
    EXPECT_EQ(reading.confidence, Confidence::unknown);
    EXPECT_EQ(reading.answer, Answer::none);
    EXPECT_EQ(reading.keyword, Keyword::none);
    EXPECT_EQ(reading.transport, Transport::none);
    EXPECT_FALSE(reading.reason.empty());
  }
}

// --- keywords -------------------------------------------------------------------------------

TEST(RepliesReplyReader, EveryOptOutKeywordOfProtocolsStops) {
  for (const char* text : {"STOP", "ARRET", "ARRÊT", "UNSUBSCRIBE", "END", "QUIT", "CANCEL",
                           "STOPALL", "OPTOUT", "DESABONNER", "DÉSABONNER", "stop", "Arrêt"}) {
    SCOPED_TRACE(text);
    const Reading reading = read_reply(text);
    EXPECT_EQ(reading.keyword, Keyword::stop);
    EXPECT_TRUE(reading.sure());
    EXPECT_EQ(reading.answer, Answer::none);
  }
}

TEST(RepliesReplyReader, KeywordLanguageFollowsTheKeyword) {
  EXPECT_EQ(read_reply("STOP").language, Language::en);
  EXPECT_EQ(read_reply("STOP svp").language, Language::en);
  EXPECT_EQ(read_reply("ARRET").language, Language::fr);
  EXPECT_EQ(read_reply("Arrêt please").language, Language::fr);
  EXPECT_EQ(read_reply("AIDE").language, Language::fr);
  EXPECT_EQ(read_reply("HELP").language, Language::en);
  EXPECT_EQ(read_reply("INFO").language, Language::none);
}

TEST(RepliesReplyReader, AnswerLanguageFollowsTheWords) {
  EXPECT_EQ(read_reply("Oui merci").language, Language::fr);
  EXPECT_EQ(read_reply("Yes thanks").language, Language::en);
  EXPECT_EQ(read_reply("OK").language, Language::none);
  EXPECT_EQ(read_reply("oui yes").language, Language::none);
}

TEST(RepliesReplyReader, KeywordsMatchOnlyAsWritten) {
  for (const char* text : {"STOPP", "stooop", "arrete", "arrêtez", "desabonnez-moi", "aidez"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(read_reply(text).keyword, Keyword::none);
  }
  EXPECT_EQ(read_reply("START").keyword, Keyword::start);
  EXPECT_EQ(read_reply("resume").keyword, Keyword::start);
  EXPECT_EQ(read_reply("infos").keyword, Keyword::help);
}

TEST(RepliesReplyReader, KeywordBesideAnythingButPolitenessIsUnknown) {
  EXPECT_EQ(read_reply("Bonjour, STOP svp merci").keyword, Keyword::stop);
  const Reading reading = read_reply("STOP A7");
  EXPECT_EQ(reading.keyword, Keyword::none);
  EXPECT_EQ(reading.reason, "keyword among other words");
  EXPECT_EQ(read_reply("stop mais oui").keyword, Keyword::none);
  EXPECT_EQ(read_reply("STOP START").keyword, Keyword::none);
}

// --- pickup points ----------------------------------------------------------------------------

TEST(RepliesReplyReader, PickupPointIsReadWhenTheAlertHasIt) {
  ReadOptions options;
  options.pickup_ids = {"MTL", "Longueuil"};
  const Reading reading = read_reply("oui bus mtl", options);
  EXPECT_EQ(reading.transport, Transport::bus);
  EXPECT_EQ(reading.pickup_id, "MTL");
  EXPECT_EQ(read_reply("BUS 2 LONGUEUIL", options).pickup_id, "Longueuil");
  EXPECT_EQ(read_reply("oui mtl", options).reason, "pickup point without a bus");
  EXPECT_EQ(read_reply("bus mtl longueuil", options).reason, "contradictory transport");
  EXPECT_EQ(read_reply("oui bus mtl").reason, "unrecognised words");  // without the ids
}

// --- input that is not a reply ------------------------------------------------------------------

TEST(RepliesReplyReader, InvalidOrOverlongTextIsUnknown) {
  EXPECT_EQ(read_reply("OUI\xff").reason, "invalid UTF-8");
  EXPECT_EQ(read_reply("\xc3STOP").keyword, Keyword::none);
  EXPECT_EQ(read_reply(std::string(kMaxReplyBytes + 1, ' ') + "OUI").reason, "too long");
  std::string long_yes = "OUI";
  while (long_yes.size() + 4 <= kMaxReplyBytes) long_yes += " oui";
  EXPECT_EQ(read_reply(long_yes).answer, Answer::yes);
  EXPECT_EQ(read_reply("").reason, "empty");
}

// --- JSON -----------------------------------------------------------------------------------

TEST(RepliesReplyReader, JsonHasEveryField) {
  EXPECT_EQ(to_json(read_reply("Oui BUS 2 +1 A7")),
            R"({"answer":"yes","transport":"bus","seats":2,"party":2,"keyword":"none",)"
            R"("confidence":"sure","code":"A7","pickup":"","language":"fr","flags":[],)"
            R"("reason":""})");
  EXPECT_EQ(to_json(read_reply("OUI AUTO 12")),
            R"({"answer":"yes","transport":"car","seats":0,"party":0,"keyword":"none",)"
            R"("confidence":"sure","code":"","pickup":"","language":"fr",)"
            R"("flags":["car_seats_out_of_range"],"reason":""})");
  EXPECT_EQ(to_json(read_reply("c'est où?")),
            R"({"answer":"none","transport":"none","seats":0,"party":0,"keyword":"none",)"
            R"("confidence":"unknown","code":"","pickup":"","language":"none","flags":[],)"
            R"("reason":"question"})");
  EXPECT_EQ(to_json(read_reply("STOP")),
            R"({"answer":"none","transport":"none","seats":0,"party":0,"keyword":"stop",)"
            R"("confidence":"sure","code":"","pickup":"","language":"en","flags":[],)"
            R"("reason":""})");
}

TEST(RepliesReplyReader, JsonEscapesWhatItQuotes) {
  Reading reading;
  reading.pickup_id = "Q\"1\\\n";
  EXPECT_NE(to_json(reading).find(R"("pickup":"Q\"1\\\u000a")"), std::string::npos)
      << to_json(reading);
}

TEST(RepliesReplyReader, ReasonNeverQuotesTheReply) {
  for (const char* text : {"oui zorglub", "zorglub?", "STOP zorglub", "zorglub"}) {
    const Reading reading = read_reply(text);
    EXPECT_EQ(reading.reason.find("zorglub"), std::string::npos) << reading.reason;
  }
}

}  // namespace
}  // namespace tocsin::replies
