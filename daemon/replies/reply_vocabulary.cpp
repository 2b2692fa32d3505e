#include "replies/reply_vocabulary.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "members/text_fold.h"

namespace tocsin::replies {
namespace {

// A phrase is written as slots separated by spaces. A slot lists its alternatives separated
// by '|'; an alternative may hold several words, joined by '_' or an apostrophe ("j'y",
// "s'il_vous_plait"). A slot ending in '?' may be left out. '#' is a count: digits ("2",
// "x2") or a number word from un/one to dix/ten.
struct Phrase {
  Meaning meaning;
  Language language;
  std::string_view pattern;
  bool exact = false;  // keywords: no squeezing of doubled letters
};

constexpr Language F = Language::fr;
constexpr Language E = Language::en;
constexpr Language N = Language::none;

// Repeated slot texts.
#define PLACES "place|places|siege|sieges|seat|seats|personne|personnes|pers|people|persons|" \
               "passager|passagers|passenger|passengers"
#define PERSONS "personne|personnes|pers|people|persons|adulte|adultes|adult|adults|membres|" \
                "members"
#define GUESTS                                                                              \
  "ami|amis|amie|amies|collegue|collegues|personne|personnes|pers|autre|autres|membre|"     \
  "membres|invite|invites|invitee|invitees|accompagnateur|accompagnateurs|enfant|enfants|"  \
  "adulte|adultes|friend|friends|colleague|colleagues|coworker|coworkers|guest|guests|"     \
  "other|others|people|person|persons|kid|kids|child|children|adult|adults|member|members"
#define BUS "bus|autobus|autocar"
#define CAR "auto|voiture|char|vehicule|automobile"
#define RIDE "transport|lift|ride|raccompagnement"

constexpr std::array kPhrases = {
    // --- keywords (the list in reply_reader.h): only as written ----------------------------
    Phrase{Meaning::stop, E, "stop|stopall|stop_all|unsubscribe|end|quit|cancel|optout|"
                             "opt_out|revoke", true},
    Phrase{Meaning::stop, F, "arret|desabonner", true},
    Phrase{Meaning::start, E, "start|unstop|resume", true},
    Phrase{Meaning::help, E, "help", true},
    Phrase{Meaning::help, F, "aide", true},
    Phrase{Meaning::help, N, "info|infos", true},
    // A check-in by SMS (HERE A7, ICI A7; PRÉSENT A7 is read in reply_reader.cpp).
    Phrase{Meaning::here, E, "here", true},
    Phrase{Meaning::here, F, "ici", true},

    // --- yes ------------------------------------------------------------------------------
    Phrase{Meaning::yes, F, "oui|o|ouais|ouai|ouep|ouaip|ouu|wi|dac|d'ac|d'accord|daccord|"
                            "certain|certainement|absolument|evidemment|presente|presentes|"
                            "dispo|disponible|confirme|confirmee|partant|partante|"
                            "bien_sur|tout_a_fait|avec_plaisir|ben_oui|mets_moi_la|"
                            "ca_marche|sa_marche|ca_me_va|c'est_bon"},
    Phrase{Meaning::yes, N, "ok|okay|okey|oki|o_k|present|presents|👍"},
    Phrase{Meaning::yes, F, "present|presents|presente|presentes e|es"},
    Phrase{Meaning::yes, E, "yes|y|yep|yup|yeah|yea|ya|yah|sure|definitely|absolutely|"
                            "available|confirmed|confirm|affirmative|of_course|for_sure|"
                            "sure_thing|you_bet|count_me_in|count_us_in|include_me|"
                            "see_you_there|will_be_there"},
    Phrase{Meaning::yes, F, "je|j serai|serais|serons la|present|presente|presents|presentes|"
                            "de_la_partie|disponible|dispo|partant|partante"},
    Phrase{Meaning::yes, F, "je|j|j'? y|jy serai|vais"},
    // Quebec French: "ouin" is a plain yes, "chu" is "je suis", "j'arrive" is "I'm coming".
    Phrase{Meaning::yes, F, "ouin|ouain|j'arrive|jarrive|on_arrive|j'embarque|jembarque|"
                            "on_embarque|c'est_sur|cest_sur|c'est_certain|c'est_clair|pour_sur|"
                            "pour_sure"},
    Phrase{Meaning::yes, F, "jserai|jserais|j'serai|j'serais la|present|presente|dispo|"
                            "disponible"},
    Phrase{Meaning::yes, F, "chu|chus|chui|chuis|jsuis|j'suis la|dispo|disponible|partant|"
                            "partante|present|presente|de_la_partie|in"},
    Phrase{Meaning::yes, F, "on|nous y sera|serons|va|allons|serai"},
    Phrase{Meaning::yes, F, "on|nous sera|serons la|presents|presentes"},
    Phrase{Meaning::yes, F, "je|j viens|vais_venir|vais_y_aller|vais_y_etre|vais_etre_la|"
                            "participe|participerai|suis_la|suis_partant|suis_partante|"
                            "suis_dispo|suis_disponible|suis_de_la_partie|suis_present|"
                            "suis_presente|confirme|confirme_ma_presence|peux_venir|"
                            "pourrai_venir|pourrai_y_etre|pourrai_etre_la|suis_in"},
    Phrase{Meaning::yes, F, "comptez|compte|comptes sur moi|nous"},
    Phrase{Meaning::yes, F, "comptez|compte|comptes moi|nous"},
    Phrase{Meaning::yes, E, "i'm|im|i_am|we're|we_are in|coming|attending|available|there"},
    Phrase{Meaning::yes, E, "i'll|ill|i_will|we'll|we_will be_there|come|attend|make_it|"
                            "join|be_in|be_present"},
    Phrase{Meaning::yes, E, "i|we can come|attend|make_it|be_there"},
    Phrase{Meaning::yes, E, "coming|attending|on_my_way|omw"},

    // --- no -------------------------------------------------------------------------------
    Phrase{Meaning::no, F, "non|nan|indisponible|absent|absente|negatif|ben_non|jamais|"
                           "pas_du_tout|absolument_pas|certainement_pas|surement_pas|"
                           "pas_cette_fois|pas_cette_fois_ci|mets_moi_pas_la|pas_ce_soir|"
                           "pas_ce_soir_la|pas_ce_jour_la|pas_aujourd'hui|pas_cette_semaine|"
                           "pas_ce_coup_ci|pas_ce_coup_la|pas_le_temps"},
    Phrase{Meaning::no, E, "no|nope|nah|negative|unavailable|cannot|cant|never|no_way|"
                           "definitely_not|absolutely_not|not_at_all|no_can_do|"
                           "not_this_time|count_me_out|not_for_me|not_tonight|not_today|"
                           "not_this_week"},
    Phrase{Meaning::no, N, "n|impossible|👎"},
    Phrase{Meaning::no, F, "pas capable|dispo|disponible|possible|present|presente"},
    Phrase{Meaning::no, F, "je|j? ne|n? peux|pourrai|pourrais|viens|participe|participerai|"
                           "pourrai pas venir|y_aller|y_etre|etre_la|participer|"
                           "m'y_rendre|etre_present|etre_presente?"},
    Phrase{Meaning::no, F, "je|j? ne|n? serai|suis|serais pas la|capable|dispo|disponible|"
                           "present|presente|de_la_partie|libre"},
    Phrase{Meaning::no, F, "je|j? n? y|jy serai|vais|serons|sera pas"},
    Phrase{Meaning::no, F, "on|nous ne|n? y? sera|serons|pourra|pourrons|peut|pouvons pas "
                           "venir|y_aller|y_etre|etre_la|la?"},
    Phrase{Meaning::no, E, "i|we? can't|cant|cannot|can_not|won't|wont|will_not|couldn't|"
                           "couldnt make_it|come|attend|be_there|go|join|make_it_this_time?"},
    Phrase{Meaning::no, E, "i'm|im|i_am|we're|we_are not coming|attending|available|going|"
                           "in|able_to_come|able_to_make_it|free"},
    Phrase{Meaning::no, E, "not coming|attending|available|going|able_to_come|able_to_make_it"},
    Phrase{Meaning::no, E, "i|we? won't|wont|will_not be_able_to come|attend|make_it|be_there|"
                           "join|go"},
    Phrase{Meaning::no, E, "unable_to come|attend|make_it|be_there|join|go"},
    Phrase{Meaning::no, E, "i'm|im|i_am|we're|we_are out"},
    Phrase{Meaning::no, F, "chu|chus|chui|chuis|jsuis|j'suis pas|pu la|capable|dispo|"
                           "disponible|libre|present|presente|de_la_partie"},

    // --- maybe ----------------------------------------------------------------------------
    Phrase{Meaning::maybe, F, "peutetre|peut_etre|ptetre|ptet|p'tet|p'tete|p_tet|p_e|pe|"
                              "possiblement|probablement|probable|on_verra|a_voir|"
                              "a_confirmer|a_determiner|jsp|chais_pas|chai_pas|jsais_pas"},
    Phrase{Meaning::maybe, F, "peutetre|peut_etre|ptetre|ptet|p_e|pe pas"},
    Phrase{Meaning::maybe, N, "possible"},
    // Quebec French and SMS spellings of peut-être: p-t, pt, p't-être, ptête, pitête…
    Phrase{Meaning::maybe, F, "pt|p_t|pt_etre|p_etre|p't_etre|p_t_etre|ptete|p_tete|pitete|"
                              "pitetre|petetre|peutetr|peut_etr|ptetr|ca_se_peut|sa_se_peut|"
                              "ca_se_pourrait|sa_se_pourrait|chepas|chepa|che_pas|chaispas|"
                              "chpas|jsaispas|on_va_voir|je_verrai|j'verrai|jverrai"},
    Phrase{Meaning::maybe, E, "maybe|mayb|mabye|perhaps|possibly|probably|unsure|idk|dunno|"
                              "tbc|tbd|to_be_confirmed|maybe_not|if_i_can|will_try|mabey|maby|"
                              "mayby|mabe|mebbe|prob|probs|prolly|probly|might|might_come|"
                              "might_make_it|i_might|i_might_come|i_might_make_it|"
                              "i_may_come|i_may_make_it|we_might|tentatively"},
    Phrase{Meaning::maybe, F, "je|chu|chus|chui|chuis|jsuis|j_suis? ne? suis? pas encore? "
                              "sur|sure|certain|certaine|decide|decidee|fixe|fixee encore?"},
    Phrase{Meaning::maybe, F, "je|j? ne? sais pas encore?"},
    Phrase{Meaning::maybe, F, "je|j? vais|vas essayer|voir|tenter|tenter_le_coup|"
                              "faire_mon_possible|faire_mon_gros_possible|confirmer|"
                              "essayer_d'y_etre|essayer_d'y_aller|essayer_de_venir|"
                              "essayer_de_me_liberer"},
    Phrase{Meaning::maybe, F, "j'essaie|j'essaye|j'essaierai|j'essayerai|jessaie|jessaye "
                              "d'y_etre|d'y_aller|de_venir|de_me_liberer?"},
    Phrase{Meaning::maybe, F, "si_je_peux|si_possible"},
    Phrase{Meaning::maybe, F, "je|j? vous|te reviens|redis|confirme|confirmerai|dis|dirai "
                              "plus_tard|bientot|demain|la_dessus|ca?"},
    Phrase{Meaning::maybe, F, "je|j? confirme|confirmerai plus_tard|bientot|demain"},
    Phrase{Meaning::maybe, E, "i'm|im|i_am|we're|we_are? not sure|certain yet?"},
    Phrase{Meaning::maybe, E, "i|we? don't|dont|do_not know yet?"},
    Phrase{Meaning::maybe, E, "i'll|ill|i_will|we'll|we_will try|see|let_you_know|"
                              "get_back_to_you|confirm_later|try_to_come|try_to_make_it"},

    // --- transport: the bus ---------------------------------------------------------------
    Phrase{Meaning::bus, N, BUS " #? " PLACES "?"},
    Phrase{Meaning::bus, F, "le|l|un|en|par|du|une_place_dans_le|une_place_dans_l|"
                            "une_place_sur_le " BUS " #? " PLACES "?"},
    Phrase{Meaning::bus, E, "the|a|by " BUS " #? " PLACES "?"},
    Phrase{Meaning::bus, F, "j|je|jai? ai|aurais|aurai|aurait? besoin de|du|d|d_un|de_l|"
                            "d_une_place_dans_le|"
                            "d_une_place_dans_l " BUS " #? " PLACES "?"},
    Phrase{Meaning::bus, N, BUS " pour|for # " PLACES "?"},
    Phrase{Meaning::bus, F, "# " PLACES " dans|pour|sur le|l " BUS},
    Phrase{Meaning::bus, E, "# " PLACES " on|in the " BUS},
    Phrase{Meaning::bus, E, "i|we? need|needs|'ll_need|ll_need|will_need|would_need|'d_need "
                            "a|the|one? " BUS "|seat|seat_on_the_bus #? "
                            PLACES "?"},
    Phrase{Meaning::bus, F, "je|j? prends|prendrai|prendre|vais_prendre|veux_prendre le|l " BUS},
    Phrase{Meaning::bus, F, "il_me_faut|il_me_faudrait|me_faut|me_faudrait|ca_me_prend|"
                            "ca_me_prendrait|sa_me_prend une_place_dans_le|une_place_dans_l|"
                            "une_place_sur_le|le|l|un|du|d_un|de_l " BUS "|" RIDE " #? "
                            PLACES "?"},
    // A ride asked for in general words is a seat on the union's bus, the ride it gives
    // (a coordinator may offer a car seat instead).
    Phrase{Meaning::bus, F, "j|je|jai? ai|aurais|aurai|aurait|vais_avoir? besoin de|du|d|"
                            "d_un|dun|d_une|de_un " RIDE " #? " PLACES "?"},
    Phrase{Meaning::bus, F, "j|je|jai? ai|aurais|aurai|aurait|vais_avoir? besoin de|du|d|"
                            "d_un|dun|d_une|de_un " RIDE " pour # " PLACES "?"},
    Phrase{Meaning::bus, F, "je? cherche|recherche un|du " RIDE},
    Phrase{Meaning::bus, E, "i|we? need|needs|would_need|will_need|'d_need|looking_for a|"
                            "one? ride|lift|transport|transportation #? " PLACES "?"},
    Phrase{Meaning::bus, E, "i|we? need|needs|would_need|will_need|'d_need|looking_for a|"
                            "one? ride|lift|transport|transportation for # " PLACES "?"},
    Phrase{Meaning::bus, E, "i'll|ill|i_will|we'll|we_will? take|taking the " BUS},

    // --- transport: a car -----------------------------------------------------------------
    Phrase{Meaning::car, F, CAR " #? " PLACES "?"},
    Phrase{Meaning::car, E, "car # " PLACES "?"},
    Phrase{Meaning::car, F, "en|par|avec|mon|ma|avec_mon|avec_ma|dans_mon|dans_ma " CAR " #? "
                            PLACES "?"},
    Phrase{Meaning::car, E, "by|my|in_my|with_my car|" CAR},
    Phrase{Meaning::car, E, "i_have|i've_got|ive_got|i_got? # extra|spare|empty|open|free "
                            "seat|seats|spot|spots|place|places"},
    Phrase{Meaning::car, F, "j'ai|jai|j'aurai|jaurai|j'aurais|jaurais? de_la|d'la|d_la|du? place "
                            "dans|en mon|ma|l' " CAR " pour # " PLACES "?"},
    // Room offered in a sentence: "j'ai de la place pour 2", "I have room for 3".
    Phrase{Meaning::car, N, "j'ai|jai|j'aurai|jaurai|j'aurais|jaurais|i_have|i've_got|ive_got|"
                            "i_got|i'll_have|ill_have? de_la|d'la|d_la|du|the? place|room|"
                            "space|espace pour|for # " PLACES "?"},
    Phrase{Meaning::car, F, "# " PLACES "? dans|in mon|ma|my " CAR "|car"},
    Phrase{Meaning::car, N, "j'ai|jai|i_have # place|places|seat|seats|siege|sieges de? "
                            "dispo|disponible|disponibles|libre|libres|available|free?"},
    Phrase{Meaning::car, N, "# place|places|seat|seats|siege|sieges de? dispo|disponible|"
                            "disponibles|libre|libres|available|free"},
    Phrase{Meaning::car, F, "covoiturage #? " PLACES "?"},
    Phrase{Meaning::car, E, "carpool #? " PLACES "?"},
    // Not "amener"/"bring": "je peux amener 3 personnes" may be guests, not seats.
    Phrase{Meaning::car, F, "je|j? peux|pourrai|vais en? prendre|embarquer|conduire|transporter|"
                            "voyager|lifter|covoiturer|offrir|donner # " PLACES "?"},
    Phrase{Meaning::car, F, "j'embarque|jembarque|j'offre|joffre # " PLACES "?"},
    Phrase{Meaning::car, F, "je|j? peux|vais donner|offrir un? lift|lifts|transport a|pour # "
                            PLACES "?"},
    Phrase{Meaning::car, F, "je|j? peux|vais faire du covoiturage"},
    Phrase{Meaning::car, E, "i|we? can|will take|drive|fit|carry|give_a_ride_to|"
                            "give_a_lift_to|give_rides_to|drive_up_to|take_up_to # " PLACES "?"},
    Phrase{Meaning::car, E, "i|we can drive"},
    Phrase{Meaning::car, E, "i|we? can|will give # " PLACES "? a_ride|a_lift|rides"},
    Phrase{Meaning::car, F, "je|j? conduis|peux_conduire|vais_conduire #? " PLACES "?"},
    Phrase{Meaning::car, E, "i'll|ill|i_will|we'll|we_will drive #? " PLACES "?"},
    Phrase{Meaning::car, E, "driving"},

    // --- transport: neither ---------------------------------------------------------------
    Phrase{Meaning::no_bus, F, "je|j|jai? n? ai? pas|aucun besoin de|du|d|d_un|de_l|dun "
                               BUS "|transport|lift"},
    Phrase{Meaning::no_bus, F, "pas de|d|du " BUS "|transport|lift"},
    Phrase{Meaning::no_bus, F, "sans " BUS "|transport"},
    Phrase{Meaning::no_bus, F, "par mes|nos propres moyens"},
    Phrase{Meaning::no_bus, F, "j'ai|jai|on_a? mon|notre propre? transport|lift"},
    Phrase{Meaning::no_bus, E, "i_have|we_have|i've_got? my|our own transport|ride|transportation"},
    Phrase{Meaning::no_bus, E, "no " BUS "|transport|ride needed?"},
    Phrase{Meaning::no_bus, E, "no need for|of a|the? " BUS "|transport|ride"},
    Phrase{Meaning::no_bus, E, "i|we? don't|dont|do_not need a|the|any? " BUS "|transport|ride"},
    Phrase{Meaning::no_bus, E, BUS " not needed"},
    Phrase{Meaning::no_bus, E, "on my|our own"},

    // --- party size -----------------------------------------------------------------------
    Phrase{Meaning::party_guests, N, "+|plus # " GUESTS "?"},
    Phrase{Meaning::party_guests, F, "avec # " GUESTS "?"},
    Phrase{Meaning::party_guests, E, "with # " GUESTS "?"},
    Phrase{Meaning::party_total, F, "nous|on serons|sommes|sera|est|va_etre|allons_etre # "
                                    PERSONS "?"},
    Phrase{Meaning::party_total, E, "we'll|we_will|we_ll be # " PERSONS "?"},
    Phrase{Meaning::party_total, E, "we're|we_are # " PERSONS "?"},
    Phrase{Meaning::party_total, E, "there_will_be? # of_us"},
    Phrase{Meaning::party_total, N, "# " PERSONS},

    // --- no meaning -----------------------------------------------------------------------
    Phrase{Meaning::polite, F, "merci|merci_beaucoup|merci_bien|merci_a_vous|merci_a_toi|"
                               "svp|stp|s'il_vous_plait|s'il_te_plait|sil_vous_plait|"
                               "sil_te_plait|bonjour|bonsoir|salut|allo|coucou|bonne_journee|"
                               "bonne_soiree|bonne_fin_de_semaine|cordialement|a_bientot|"
                               "a_demain|a_plus|au_revoir|merci_a_tous|merci_a_toutes|"
                               "merci_a_tout_le_monde"},
    Phrase{Meaning::polite, E, "thanks|thank_you|thank_you_very_much|thanks_a_lot|many_thanks|"
                               "thx|ty|tks|please|pls|plz|hello|hi|hey|good_morning|"
                               "good_evening|have_a_good_day|have_a_nice_day|regards|bye|"
                               "see_you|see_you_soon|cheers"},
    Phrase{Meaning::filler, F, "mais|et|aussi|alors|donc|bien|bon|ben|super|genial|parfait|"
                               "excellent|solidarite|solidaires|solidaire|en_solidarite|"
                               "on_lache_rien|on_lache_pas|lache_pas|desole|desolee|"
                               "malheureusement|helas|moi|nous|tous|toutes|ensemble|tres|"
                               "bravo|au_total|en_tout|solidairement|pour_moi|avec_moi|"
                               "bonne_chance|bon_courage|bon_succes|bonne_lutte|lachez_pas|"
                               "bravo_pour_l'organisation|merci_pour_l'organisation|"
                               "merci_pour_tout|merci_de_l'organisation|merci_pour_l'info|"
                               "merci_pour_l'information|merci_pour_le_message"},
    Phrase{Meaning::filler, E, "but|and|also|too|well|great|perfect|awesome|good|nice|sorry|"
                               "unfortunately|solidarity|me|we|all|together|in_total|"
                               "thanks_for_the_info|thanks_for_the_message|with_me|for_me|"
                               "good_luck|solidarity_forever"},
    Phrase{Meaning::filler, N, "cool|top|lol|haha|oh|ah"},
    Phrase{Meaning::filler, F, "j'ai? hate|jai_hate de|d'y? etre|y_etre|vous_voir|te_voir|"
                               "y_aller|participer?"},

    // --- questions --------------------------------------------------------------------------
    Phrase{Meaning::question, N, "ou|where|quand|when|quelle|quel|quelles|quels|combien|"
                                 "comment|pourquoi|qui|who|what|which|how|why|est_ce|quoi|"
                                 "lequel|laquelle|c'est_ou|a_quelle_heure|what_time"},
};

#undef PLACES
#undef PERSONS
#undef GUESTS
#undef BUS
#undef CAR
#undef RIDE

// Real words that squeeze into a vocabulary word without meaning it ("noon" is not "non").
constexpr std::array kNotSqueezed = {std::string_view("noon")};

struct NumberWord {
  std::string_view word;
  int value;
};
constexpr NumberWord kNumberWords[] = {
    {"un", 1},   {"une", 1},  {"deux", 2},  {"trois", 3}, {"quatre", 4}, {"cinq", 5},
    {"six", 6},  {"sept", 7}, {"huit", 8},  {"neuf", 9},  {"dix", 10},   {"one", 1},
    {"two", 2},  {"three", 3}, {"four", 4}, {"five", 5},  {"seven", 7},  {"eight", 8},
    {"nine", 9}, {"ten", 10},
};

struct Slot {
  std::vector<std::vector<Token>> alternatives;
  bool optional = false;
  bool number = false;
};

struct Entry {
  Meaning meaning;
  Language language;
  bool exact;
  std::vector<Slot> slots;
  int pickup = -1;
};

std::vector<Token> words_of(std::string_view text) {
  return tokenize(members::fold(text)).tokens;
}

Entry compile(const Phrase& phrase) {
  Entry entry{phrase.meaning, phrase.language, phrase.exact, {}};
  std::string_view rest = phrase.pattern;
  while (!rest.empty()) {
    const size_t space = rest.find(' ');
    std::string_view slot_text = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    if (slot_text.empty()) continue;
    Slot slot;
    if (slot_text.back() == '?') {
      slot.optional = true;
      slot_text.remove_suffix(1);
    }
    if (slot_text == "#") {
      slot.number = true;
    } else {
      while (true) {
        const size_t bar = slot_text.find('|');
        std::vector<Token> words = words_of(slot_text.substr(0, bar));
        if (!words.empty()) slot.alternatives.push_back(std::move(words));
        if (bar == std::string_view::npos) break;
        slot_text.remove_prefix(bar + 1);
      }
    }
    entry.slots.push_back(std::move(slot));
  }
  return entry;
}

// The key under which an entry starting with `token` is filed: a word by its squeezed form
// (a superset of what word_match accepts), other tokens by their kind.
std::string start_key(const Token& token) {
  switch (token.kind) {
    case TokenKind::word: return token.squeezed;
    case TokenKind::number: return "\x01number";
    case TokenKind::plus: return "\x01plus";
    case TokenKind::code: return "\x01code";
    case TokenKind::thumbs_up: return "\x01up";
    case TokenKind::thumbs_down: return "\x01down";
  }
  return {};
}

// The phrases, and which of them can start at a given token, so that a reply is not tried
// against every phrase at every word.
struct Vocabulary {
  std::vector<Entry> entries;
  std::unordered_map<std::string, std::vector<size_t>> by_start;
};

const Vocabulary& vocabulary() {
  static const Vocabulary compiled = [] {
    Vocabulary v;
    v.entries.reserve(kPhrases.size());
    for (const Phrase& phrase : kPhrases) v.entries.push_back(compile(phrase));
    for (size_t i = 0; i < v.entries.size(); ++i) {
      for (const Slot& slot : v.entries[i].slots) {
        if (slot.number) v.by_start["\x01number"].push_back(i);
        for (const std::vector<Token>& words : slot.alternatives) {
          v.by_start[start_key(words.front())].push_back(i);
        }
        if (!slot.optional) break;
      }
    }
    for (auto& [key, list] : v.by_start) {
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
    }
    return v;
  }();
  return compiled;
}

std::optional<int64_t> count_of(const Token& token) {
  if (token.kind == TokenKind::number) return token.value;
  if (token.kind != TokenKind::word) return std::nullopt;
  for (const auto& [word, value] : kNumberWords) {
    if (token.text == word) return value;
  }
  return std::nullopt;
}

// 0: no match; 1: as written; 2: once its doubled letters are squeezed.
int word_match(const Token& token, const Token& word, bool exact) {
  if (token.kind != word.kind) return 0;
  if (token.text == word.text) return 1;
  if (exact || token.kind != TokenKind::word) return 0;
  if (token.text.size() < word.text.size() || token.squeezed != word.squeezed) return 0;
  for (std::string_view not_squeezed : kNotSqueezed) {
    if (token.text == not_squeezed) return 0;
  }
  return 2;
}

struct Match {
  size_t end = 0;    // one past the last token covered
  int squeezed = 0;  // tokens matched only once squeezed: fewer is better
  std::optional<int64_t> number;
};

bool better(const Match& a, const Match& b) {
  return a.end > b.end || (a.end == b.end && a.squeezed < b.squeezed);
}

// Tries every way the slots from `slot` on match from `pos`; keeps the best in `best`.
void extend(const Entry& entry, size_t slot, const std::vector<Token>& tokens, size_t pos,
            const Match& so_far, Match& best) {
  if (slot == entry.slots.size()) {
    Match done = so_far;
    done.end = pos;
    if (better(done, best)) best = done;
    return;
  }
  const Slot& s = entry.slots[slot];
  if (s.optional) extend(entry, slot + 1, tokens, pos, so_far, best);
  if (s.number) {
    if (pos < tokens.size()) {
      if (const auto count = count_of(tokens[pos])) {
        Match next = so_far;
        next.number = count;
        extend(entry, slot + 1, tokens, pos + 1, next, best);
      }
    }
    return;
  }
  for (const std::vector<Token>& words : s.alternatives) {
    if (pos + words.size() > tokens.size()) continue;
    Match next = so_far;
    bool matched = true;
    for (size_t i = 0; i < words.size() && matched; ++i) {
      const int how = word_match(tokens[pos + i], words[i], entry.exact);
      matched = how != 0;
      if (how == 2) ++next.squeezed;
    }
    if (matched) extend(entry, slot + 1, tokens, pos + words.size(), next, best);
  }
}

}  // namespace

WordsRead read_words(const std::vector<Token>& tokens,
                     const std::vector<std::string>& pickup_ids) {
  std::vector<Entry> pickups;
  for (size_t i = 0; i < pickup_ids.size(); ++i) {
    std::vector<Token> words = words_of(pickup_ids[i]);
    if (words.empty()) continue;
    Entry entry{Meaning::pickup, Language::none, false, {}, static_cast<int>(i)};
    entry.slots.push_back(Slot{{std::move(words)}});
    pickups.push_back(std::move(entry));
  }

  const Vocabulary& v = vocabulary();
  static const std::vector<size_t> kNone;
  const auto filed = [&](const std::string& key) -> const std::vector<size_t>& {
    const auto it = v.by_start.find(key);
    return it == v.by_start.end() ? kNone : it->second;
  };

  WordsRead read;
  size_t pos = 0;
  std::vector<size_t> candidates;
  while (pos < tokens.size()) {
    // Phrases that can start here, in vocabulary order (on a tie the earlier one wins).
    const std::vector<size_t>& by_word = filed(start_key(tokens[pos]));
    const std::vector<size_t>& by_count =
        tokens[pos].kind == TokenKind::word && count_of(tokens[pos]) ? filed("\x01number")
                                                                     : kNone;
    candidates.clear();
    std::set_union(by_word.begin(), by_word.end(), by_count.begin(), by_count.end(),
                   std::back_inserter(candidates));

    const Entry* best_entry = nullptr;
    Match best{pos, 0, std::nullopt};
    const auto consider = [&](const Entry& entry) {
      Match found{pos, 0, std::nullopt};
      extend(entry, 0, tokens, pos, Match{pos, 0, std::nullopt}, found);
      if (found.end > pos && (best_entry == nullptr || better(found, best))) {
        best = found;
        best_entry = &entry;
      }
    };
    for (size_t i : candidates) consider(v.entries[i]);
    for (const Entry& entry : pickups) consider(entry);
    if (best_entry != nullptr) {
      read.hits.push_back(Hit{best_entry->meaning, best_entry->language, best.number,
                              best_entry->pickup, pos, best.end});
      pos = best.end;
    } else if (tokens[pos].kind == TokenKind::code) {
      read.codes.push_back(tokens[pos].text);
      ++pos;
    } else {
      if (read.unknown++ == 0) read.first_unknown = pos;
      ++pos;
    }
  }
  return read;
}

}  // namespace tocsin::replies
