#include "replies/reply_reason.h"

#include <algorithm>
#include <span>
#include <string_view>

namespace tocsin::replies {
namespace {

using Words = std::span<const std::string_view>;

// Folded words as the tokenizer cuts them ("n't" is "n" and "t", "s'il" is "s" and "il").
constexpr std::string_view kCountWords[] = {
    "deux",    "trois",    "quatre",    "cinq",    "six",      "sept",   "huit",     "neuf",
    "dix",     "onze",     "douze",     "treize",  "quatorze", "quinze", "seize",    "vingt",
    "trente",  "quarante", "cinquante", "cent",    "mille",    "one",    "two",      "three",
    "four",    "five",     "seven",     "eight",   "nine",     "ten",    "eleven",   "twelve",
    "fifteen", "twenty",   "thirty",    "hundred", "half",     "demi",   "demie",    "couple",
    "few",     "quelques", "plusieurs", "several", "many",     "dozen",  "douzaine", "x"};
constexpr std::string_view kNegations[] = {
    "pas",   "pa",      "ne",       "n",          "jamais",  "plus",    "pu",
    "rien",  "aucun",   "aucune",   "aucunement", "nul",     "nulle",   "ni",
    "non",   "nan",     "pantoute", "no",         "not",     "nope",    "nah",
    "never", "nothing", "none",     "nobody",     "nor",     "neither", "t",
    "dont",  "cant",    "wont",     "isnt",       "aint",    "didnt",   "doesnt",
    "wasnt", "werent",  "couldnt",  "shouldnt",   "wouldnt", "havent",  "hasnt"};
constexpr std::string_view kConditions[] = {
    "si",        "s",          "if",      "unless",   "sauf",      "except", "excepte",
    "sinon",     "otherwise",  "pourvu",  "provided", "providing", "depend", "depends",
    "dependant", "depending",  "selon",   "whether",  "tant",      "only",   "seulement",
    "condition", "conditions", "lorsque", "once",     "until",     "jusqu",  "moins"};
// Doubt: after a maybe it only says the maybe again.
constexpr std::string_view kHedges[] = {
    "hope",        "hopefully",   "espere",       "esperons",      "esperant",    "pense",
    "penses",      "pensais",     "penserais",    "jpense",        "crois",       "croit",
    "croyais",     "jcrois",      "think",        "thinking",      "guess",       "suppose",
    "presume",     "normalement", "normally",     "theoriquement", "principe",    "probably",
    "prob",        "probs",       "prolly",       "likely",        "unlikely",    "might",
    "may",         "maybe",       "could",        "would",         "should",      "devrais",
    "devrait",     "devrions",    "pourrais",     "pourrait",      "pourrions",   "pourrai",
    "peut",        "peux",        "essayer",      "essaie",        "essaye",      "essaierai",
    "try",         "trying",      "tenter",       "verra",         "verrai",      "voie",
    "see",         "sais",        "know",         "sur",           "sure",        "certain",
    "certaine",    "confirm",     "confirmer",    "confirme",      "confirmerai", "verifier",
    "verifie",     "verif",       "check",        "checker",       "checke",      "attendre",
    "attends",     "attend",      "wait",         "waiting",       "demander",    "demande",
    "ask",         "asking",      "permission",   "approbation",   "approval",    "autorisation",
    "possible",    "possibly",    "possiblement", "peutetre",      "chances",     "tentative",
    "tentatively", "decide",      "decidee"};
// Idioms an answer starts, and sarcasm: "no problem" is a yes, "no idea" a maybe, "no way
// I'd miss it" a yes, "yeah, right" a no.
constexpr std::string_view kIdioms[] = {
    "probleme",   "problemes", "problem", "problems", "problemo", "worries",   "worry",
    "souci",      "soucis",    "doute",   "doubt",    "question", "questions", "clue",
    "idea",       "idee",      "kidding", "biggie",   "matter",   "mind",      "bother",
    "derange",    "oublie",    "oublier", "forget",   "miss",     "missing",   "manquer",
    "manquerais", "manquerai", "rater",   "raterais", "raterai",  "jose",      "lache",
    "lacher",     "against",   "genre",   "right",    "voyons",   "pff",       "pf"};
constexpr std::string_view kTransport[] = {
    "bus",           "autobus",        "autocar",  "car",        "char",       "chars",
    "auto",          "autos",          "voiture",  "voitures",   "vehicule",   "automobile",
    "lift",          "lifts",          "ride",     "rides",      "riding",     "transport",
    "transports",    "transportation", "drive",    "driving",    "drives",     "driver",
    "conduire",      "conduis",        "conduit",  "conduirai",  "conducteur", "chauffeur",
    "covoiturage",   "covoit",         "carpool",  "carpooling", "embarquer",  "embarque",
    "embarquez",     "place",          "places",   "seat",       "seats",      "siege",
    "sieges",        "spot",           "spots",    "room",       "train",      "metro",
    "subway",        "taxi",           "uber",     "velo",       "bike",       "bicycle",
    "pied",          "foot",           "walk",     "walking",    "marche",     "marcher",
    "stationnement", "parking",        "park",     "traversier", "ferry",      "avion",
    "plane",         "flight",         "pickup",   "pick",       "chercher",   "ramasser",
    "reconduire",    "raccompagner",   "amener",   "emmener",    "amene",      "emmene",
    "bring",         "bringing",       "passager", "passagers",  "passenger",  "passengers",
    "depart",        "pars",           "partir",   "partirai",   "partons",    "leave",
    "leaving",       "from",           "terminus", "station",    "gare"};
// About the messages themselves: an opt-out is never read from a sentence.
constexpr std::string_view kMessaging[] = {
    "sms",       "mail",    "email",      "text",  "texts",  "texting", "texte",
    "textes",    "write",   "writing",    "wrote", "list",   "liste",   "phone",
    "telephone", "cell",    "cellulaire", "fwd",   "fw",     "tr",      "re",
    "sent",      "subject", "objet",      "bot",   "tanne",  "tannee",  "recevoir",
    "recois",    "receive", "receiving",  "get",   "getting"};
constexpr std::string_view kMessagingStems[] = {
    "arret",  "stop",   "desabonn", "desinscri", "unsub",   "harcel", "messag", "courriel",
    "ecri",   "envo",   "texto",    "spam",      "contact", "remov",  "retir",  "enlev",
    "numero", "number", "forward",  "transf",    "origin",  "annul",  "cancel", "quit"};
constexpr std::string_view kContrasts[] = {
    "mais",         "but",      "cependant", "however", "though",  "although",
    "tho",          "pourtant", "toutefois", "contre",  "quoique", "neanmoins",
    "nevertheless", "meme",     "still",     "anyway",  "anyways"};
// After a yes or a maybe: someone else may be coming.
constexpr std::string_view kCompanions[] = {"avec",
                                            "with",
                                            "w",
                                            "ami",
                                            "amis",
                                            "amie",
                                            "amies",
                                            "friend",
                                            "friends",
                                            "famille",
                                            "family",
                                            "fille",
                                            "filles",
                                            "fils",
                                            "gars",
                                            "garcon",
                                            "enfant",
                                            "enfants",
                                            "kid",
                                            "kids",
                                            "child",
                                            "children",
                                            "bebe",
                                            "baby",
                                            "femme",
                                            "mari",
                                            "epoux",
                                            "epouse",
                                            "conjoint",
                                            "conjointe",
                                            "chum",
                                            "blonde",
                                            "partner",
                                            "wife",
                                            "husband",
                                            "spouse",
                                            "boyfriend",
                                            "girlfriend",
                                            "bf",
                                            "gf",
                                            "son",
                                            "daughter",
                                            "mere",
                                            "pere",
                                            "mom",
                                            "mother",
                                            "dad",
                                            "father",
                                            "parents",
                                            "frere",
                                            "soeur",
                                            "brother",
                                            "sister",
                                            "cousin",
                                            "cousine",
                                            "collegue",
                                            "collegues",
                                            "colleague",
                                            "colleagues",
                                            "coworker",
                                            "coworkers",
                                            "gang",
                                            "monde",
                                            "gens",
                                            "people",
                                            "person",
                                            "persons",
                                            "personne",
                                            "personnes",
                                            "pers",
                                            "invite",
                                            "invites",
                                            "guest",
                                            "guests",
                                            "accompagne",
                                            "accompagnee",
                                            "accompagnateur",
                                            "nous",
                                            "we",
                                            "us",
                                            "our",
                                            "ours",
                                            "notre",
                                            "nos",
                                            "ensemble",
                                            "together",
                                            "tous",
                                            "toutes",
                                            "all",
                                            "everyone",
                                            "everybody",
                                            "equipe",
                                            "team",
                                            "membre",
                                            "membres",
                                            "member",
                                            "members",
                                            "autre",
                                            "autres",
                                            "other",
                                            "others"};
// After a yes: a reason not to come makes the yes doubtful, unless it comes after "après"
// ("oui, j'arrive après le travail").
constexpr std::string_view kUnavailable[] = {
    "travaille",     "travailles", "travaillons", "travailler", "travaillerai",
    "travail",       "job",        "jobs",        "boulot",     "work",
    "working",       "works",      "garde",       "malade",     "malades",
    "sick",          "vacances",   "vacation",    "holiday",    "holidays",
    "rendez",        "rdv",        "appointment", "appt",       "rendezvous",
    "occupe",        "occupee",    "busy",        "empeche",    "empechee",
    "empechement",   "conflit",    "conflict",    "loin",       "far",
    "absent",        "absente",    "away",        "hopital",    "hospital",
    "funerailles",   "funeral",    "enterrement", "gardienne",  "babysitter",
    "blesse",        "blessee",    "injured",     "chirurgie",  "surgery",
    "operation",     "desole",     "desolee",     "sorry",      "malheureusement",
    "unfortunately", "helas"};
// After a no: a word of coming makes the no doubtful.
constexpr std::string_view kComing[] = {
    "arrive",   "arriver", "arriverai", "arrivera", "arrivons",  "arriving",   "viens", "venir",
    "viendrai", "viendra", "vient",     "rejoins",  "rejoindre", "rejoindrai", "join",  "joining",
    "come",     "coming",  "there",     "vais",     "irai",      "going",      "aller", "retard",
    "late",     "later",   "tard",      "encore",   "yet"};
// What may start a reason clause with no punctuation before it.
constexpr std::string_view kOpeners[] = {
    "je",  "j",       "jai",     "jsuis", "jvais", "jarrive", "jfinis", "jdois", "jtravaille",
    "chu", "chus",    "chui",    "chuis", "i",     "im",      "ive",    "id",    "my",
    "mon", "ma",      "mes",     "on",    "il",    "elle",    "ils",    "c",     "cest",
    "ca",  "because", "cause",   "cuz",   "coz",   "cos",     "bc",     "bcuz",  "parce",
    "pcq", "pck",     "puisque", "since", "vu",    "comme",   "after",  "apres", "des"};
constexpr std::string_view kAfter[] = {"apres", "after", "des"};

bool in(Words words, const Token& token) {
  return std::find(words.begin(), words.end(), token.text) != words.end() ||
         std::find(words.begin(), words.end(), token.squeezed) != words.end();
}

bool starts_with_one_of(Words stems, const Token& token) {
  return std::any_of(stems.begin(), stems.end(), [&](std::string_view stem) {
    return std::string_view(token.text).substr(0, stem.size()) == stem;
  });
}

bool has_digit(const Token& token) {
  return std::any_of(token.text.begin(), token.text.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

Meaning meaning_of(Answer answer) {
  switch (answer) {
    case Answer::no:
      return Meaning::no;
    case Answer::maybe:
      return Meaning::maybe;
    default:
      return Meaning::yes;
  }
}

// "c'est ça" (and its typo "c'est sa") is as often "yeah, right" as a yes.
bool is_sarcasm(const std::vector<Token>& tokens, size_t i) {
  if (i == 0) return false;
  const Token& before = tokens[i - 1];
  return (tokens[i].text == "ca" || tokens[i].text == "sa") &&
         (before.text == "est" || before.text == "cest");
}

// Whether the word at i, a part of the clause not read as the answer itself, could change
// what the answer says. `after`: "après" was said before it in the clause.
bool word_adds(const std::vector<Token>& tokens, size_t i, Answer answer, bool after) {
  const Token& token = tokens[i];
  if (has_digit(token) || in(kCountWords, token) || in(kConditions, token) || in(kIdioms, token) ||
      in(kTransport, token) || in(kMessaging, token) ||
      starts_with_one_of(kMessagingStems, token) || is_sarcasm(tokens, i)) {
    return true;
  }
  if (answer != Answer::no && in(kNegations, token)) return true;
  if (answer != Answer::maybe && in(kHedges, token)) return true;
  if (answer != Answer::no && in(kCompanions, token)) return true;
  if (answer == Answer::yes && !after && in(kUnavailable, token)) return true;
  if (answer == Answer::no && in(kComing, token)) return true;
  return false;
}

// Whether the clause starting at `from` is set off from the answer before it.
bool set_off(const std::vector<Token>& tokens, const WordsRead& words, size_t from) {
  if (tokens[from].after_break || in(kOpeners, tokens[from])) return true;
  // Right after an answer of several words ("I'm out of town", "je peux pas ce soir"): a
  // lone answer word is where idioms start ("no problem", "oui monsieur").
  return std::any_of(words.hits.begin(), words.hits.end(), [&](const Hit& hit) {
    return hit.end == from && hit.end - hit.begin >= 2 &&
           (hit.meaning == Meaning::yes || hit.meaning == Meaning::no ||
            hit.meaning == Meaning::maybe);
  });
}

}  // namespace

bool reason_adds_nothing(const TokenizedReply& reply, const WordsRead& words, Answer answer) {
  const std::vector<Token>& tokens = reply.tokens;
  const size_t from = words.first_unknown;
  if (words.unknown == 0 || answer == Answer::none || from == 0 || from >= tokens.size()) {
    return false;
  }
  if (reply.quotes || tokens.size() - from > kMaxReasonTokens) return false;
  if (!set_off(tokens, words, from)) return false;
  for (const Token& token : tokens) {
    if (token.kind == TokenKind::word && in(kContrasts, token)) return false;
  }

  // Phrases found inside the clause: only politeness, filler and the same answer again.
  const Meaning same = meaning_of(answer);
  std::vector<bool> said_again(tokens.size(), false);
  for (const Hit& hit : words.hits) {
    if (hit.begin < from) continue;
    if (hit.meaning == same) {
      std::fill(said_again.begin() + static_cast<std::ptrdiff_t>(hit.begin),
                said_again.begin() + static_cast<std::ptrdiff_t>(hit.end), true);
    } else if (hit.meaning != Meaning::polite && hit.meaning != Meaning::filler) {
      return false;
    }
  }
  bool after = false;
  int negations = 0;  // after a no, one agrees with it ("non, je suis pas en ville"); two
                      // may undo each other ("pas capable de pas venir")
  for (size_t i = from; i < tokens.size(); ++i) {
    if (said_again[i] || tokens[i].kind == TokenKind::code) continue;
    if (tokens[i].kind != TokenKind::word || word_adds(tokens, i, answer, after)) return false;
    after |= in(kAfter, tokens[i]);
    if (in(kNegations, tokens[i]) && tokens[i].text != "ne" && tokens[i].text != "n" &&
        ++negations > 1) {
      return false;
    }
  }
  return true;
}

}  // namespace tocsin::replies
