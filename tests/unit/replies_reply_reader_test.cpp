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
    // --- a reason after a clear answer (reply_reason.h) ---------------------------------------
    {"Non, je suis de garde ce soir-là", no},
    {"NON, JE SUIS DE GARDE CE SOIR-LÀ", no},
    {"non je suis de garde ce soir la", no},
    {"Non je travaille", no},
    {"Non, je travaille ce soir-là", no},
    {"Non désolé, je travaille", no},
    {"Non, malade", no},
    {"Non, je suis malade 🤒", no},
    {"Non, je suis en vacances", no},
    {"non je suis à l'extérieur de la ville", no},
    {"Non merci, je suis en congé de maladie", no},
    {"Non, je garde mes enfants", no},
    {"Nan chu malade", no},
    {"Non, chu de garde", no},
    {"Impossible, je travaille de nuit", no},
    {"Pas capable, je travaille", no},
    {"Je peux pas, je travaille", no},
    {"Je peux pas ce soir-là", no},
    {"Je ne pourrai pas venir, je suis de garde", no},
    {"Non, je suis de garde, je peux pas venir", no},
    {"Non. Je suis en formation toute la journée.", no},
    {"Non, j'ai un rendez-vous médical", no},
    {"Non je travaille ce jour là A7", no, T0, 0, 0, K0, "A7"},
    {"A7 non, je travaille", no, T0, 0, 0, K0, "A7"},
    {"No, I'm working that day", no},
    {"No, I have to work", no},
    {"Nope, working", no},
    {"No sorry I work nights", no},
    {"No, out of town", no},
    {"No, I'm out of town", no},
    {"No I'm on call that night", no},
    {"Non, pas de bus. Je suis malade", no, no_bus},
    {"Oui, j'arrive après mon quart", yes},
    {"Oui j'arrive après mon quart", yes},
    {"OUI, J'ARRIVE APRÈS MON QUART", yes},
    {"oui jarrive apres mon quart", yes},
    {"Oui, j'arrive après le travail", yes},
    {"Ouais, j'vais être là après ma shift", yes},
    {"Oui, je vais être un peu en retard", yes},
    {"Oui, on se voit là-bas", yes},
    {"Oui, j'ai pris congé", yes},
    {"Oui, je suis en congé ce jour-là", yes},
    {"Oui je serai là, j'ai hâte", yes},
    {"Oui, hâte de vous voir!", yes},
    {"Oui! Solidarité, on lâche rien", yes},
    {"Oui A7, je finis tard", yes, T0, 0, 0, K0, "A7"},
    {"OUI BUS, je finis tard", yes, bus, 1},
    {"Oui on sera 3, je finis tard", yes, T0, 0, 3},
    {"Yes, I'll be a bit late", yes},
    {"Yes, coming after work", yes},
    {"Yes, after my shift", yes},
    {"Yes, I'm off that day", yes},
    {"Peut-être, je dois voir mon horaire", maybe},
    {"Maybe, I have to check my schedule", maybe},
    {"Peut-être, je sais pas si je vais finir à temps", unknown},
    {"Non, pas ce soir", no},
    {"No, not tonight", no},
    {"Non, pas le temps", no},
    {"Non, mais bonne chance", no},
    {"Non. Trop loin pour moi", no},
    {"Non, j'ai un empêchement", no},
    {"No thanks, I'm busy", no},
    {"No, family obligations", no},
    {"Pas dispo, je travaille", no},
    {"J'peux pas, chu de garde", no},
    {"I won't be able to attend", no},
    {"Oui, bravo pour l'organisation", yes},
    {"Oui, c'est important pour moi", yes},
    {"Yes, I'm in. Solidarity forever!", yes},
    {"Oui, pour sûr", yes},
    {"J'embarque!", yes},
    {"Je serais là", yes},
    {"Je vais essayer d'y être", maybe},
    {"non je suis pas en ville", no},
    {"Non j'ai pas de gardienne", no},
    {"No, I'm not in town that weekend", no},
    {"Non, je suis en vacances, bonne chance!", no},
    {"oui jserai la", yes},
    {"J'essaie d'y être", maybe},
    // --- Quebec French and SMS spellings ------------------------------------------------------
    {"Ouin", yes},
    {"ouin ouin", yes},
    {"Chu là", yes},
    {"chu dispo", yes},
    {"Chu in", yes},
    {"J'arrive!", yes},
    {"c'est sûr", yes},
    {"OUI C'EST SÛR", yes},
    {"omw", yes},
    {"On my way!", yes},
    {"Chu pas dispo", no},
    {"chu pas capable", no},
    {"Non chu pas là", no},
    {"J'suis pas dispo", no},
    {"chu pu dispo", no},
    {"p-t", maybe},
    {"P-T", maybe},
    {"pt", maybe},
    {"Pt", maybe},
    {"ptêt", maybe},
    {"p't-être", maybe},
    {"pt-être", maybe},
    {"ptête", maybe},
    {"pitête", maybe},
    {"peut-etre", maybe},
    {"Peutêtre", maybe},
    {"pê", maybe},
    {"p-ê", maybe},
    {"P-t ben", maybe},
    {"Ça se peut", maybe},
    {"ça se pourrait", maybe},
    {"Chépas", maybe},
    {"ché pas", maybe},
    {"j'sais pas", maybe},
    {"J'sais pas encore", maybe},
    {"chu pas sûr", maybe},
    {"Chu pas certain", maybe},
    {"jsuis pas sûre", maybe},
    {"On va voir", maybe},
    {"Je verrai", maybe},
    {"mabey", maybe},
    {"maybee", maybe},
    {"Mayyybe", maybe},
    {"prob", maybe},
    {"prolly", maybe},
    {"might", maybe},
    {"I might come", maybe},
    {"Might make it", maybe},
    {"p-t, bus 2", maybe, bus, 2},
    // --- a ride asked for in general words: a seat on the bus ----------------------------------
    {"Oui, besoin d'un transport", yes, bus, 1},
    {"besoin d'un lift", yes, bus, 1},
    {"Oui j'ai besoin d'un lift", yes, bus, 1},
    {"J'aurais besoin d'un lift", yes, bus, 1},
    {"Oui, besoin de transport pour 2", yes, bus, 2},
    {"Need a ride", yes, bus, 1},
    {"Yes, I need a ride", yes, bus, 1},
    {"yes need a lift", yes, bus, 1},
    {"I'd need a ride", yes, bus, 1},
    {"Yes, need transportation for 2", yes, bus, 2},
    {"Oui, je cherche un lift", yes, bus, 1},
    {"Oui +1, besoin d'un lift", yes, bus, 2, 2},
    {"Oui, pas besoin de lift", yes, no_bus},
    {"Oui, j'ai pas besoin de transport", yes, no_bus},
    {"Yes, don't need a ride", yes, no_bus},
    {"oui pas besoin de bus", yes, no_bus},
    // --- car seats offered in a sentence -------------------------------------------------------
    {"j'ai de la place pour 2 dans mon char", yes, car, 2},
    {"Oui, j'ai de la place pour 3", yes, car, 3},
    {"Oui j'ai d'la place pour 2 dans mon char", yes, car, 2},
    {"J'ai 3 places", yes, car, 3},
    {"2 places de libre dans mon auto", yes, car, 2},
    {"Oui, je peux prendre 2 personnes dans mon char", yes, car, 2},
    {"je peux embarquer 3", yes, car, 3},
    {"J'peux embarquer 3 personnes", yes, car, 3},
    {"Oui, je peux conduire 4 personnes", yes, car, 4},
    {"Oui, je peux donner un lift à 2 personnes", yes, car, 2},
    {"Oui en char, 3 places", yes, car, 3},
    {"I can drive 3 people", yes, car, 3},
    {"Yes, I can drive 2", yes, car, 2},
    {"I have room for 3", yes, car, 3},
    {"Yes, room for 2 in my car", yes, car, 2},
    {"I can take 3 in my car", yes, car, 3},
    {"Yes I can drive", yes, car, 0},
    {"Oui je peux conduire", yes, car, 0},
    {"Oui, je conduis, 3 places", yes, car, 3},
    {"Oui, je peux en prendre 3", yes, car, 3},
    {"Oui, je peux prendre 3 personnes avec moi", yes, car, 3},
    {"J'embarque 2 personnes", yes, car, 2},
    {"Oui, j'offre 3 places", yes, car, 3},
    {"Yes, I can give 2 people a ride", yes, car, 2},
    {"Oui, j'ai mon propre transport", yes, no_bus},
    {"Oui, j'aurais besoin du bus", yes, bus, 1},
    {"Oui, il me faudrait une place dans le bus", yes, bus, 1},
    {"Oui, je vais prendre l'autobus", yes, bus, 1},
    {"Oui j'ai 2 places de libres", yes, car, 2},
    {"Yes I have 2 extra seats", yes, car, 2},
    {"Oui, j'ai de la place dans mon auto pour 3", yes, car, 3},
    {"Yes, I'll need the bus", yes, bus, 1},
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
    // --- traps of the reason clause: never a guess ---------------------------------------------
    {"Oui? c'est où?", unknown},
    {"is there a bus?", unknown},
    {"Is there a bus", unknown},
    {"Yes, is there parking?", unknown},
    {"Oui, on sera combien", unknown},
    {"oui si je trouve un lift", unknown},
    {"Oui si je peux", unknown},
    {"yes if I can", unknown},
    {"Yes if there's a bus", unknown},
    {"Oui, si je suis pas de garde", unknown},
    {"Oui, sauf si je travaille", unknown},
    {"Oui, ça dépend", unknown},
    {"P-t, ça dépend de mon horaire", unknown},
    {"Maybe, depends on my shift", unknown},
    {"Oui, je finis à 5", unknown},
    {"oui mon quart finit à 17h", unknown},
    {"I'll be there at 8", unknown},
    {"Yes, I'll be there by 8", unknown},
    {"Oui, je serai là vers 6h", unknown},
    {"Oui, j'arrive à huit heures", unknown},
    {"Oui, local 1234", unknown},
    {"Oui, 3", unknown},
    {"Oui, on arrive à deux", unknown},
    {"Oui bus, je finis à 5", unknown},
    {"Oui, je finis tard, on sera 3", unknown},
    {"Oui c'est ça", unknown},
    {"Oui, c'est ça...", unknown},
    {"ouais c'est sa", unknown},
    {"Yeah right", unknown},
    {"Yeah, right", unknown},
    {"Oui mais non", unknown},
    {"Non, mais je peux conduire 2 personnes", unknown},
    {"Non, mais j'ai de la place pour 2", unknown},
    {"Non, je peux conduire", unknown},
    {"Non, mon char est au garage", unknown},
    {"Non, j'ai pas de lift", unknown},
    {"Non, besoin d'un lift", unknown},
    {"Oui, mais j'ai pas de char", unknown},
    {"Oui je viens, à pied", unknown},
    {"No problem", unknown},
    {"No problem!", unknown},
    {"No worries", unknown},
    {"Non, pas de problème", unknown},
    {"No idea", unknown},
    {"No, no idea", unknown},
    {"No way I'd miss it", unknown},
    {"Non seulement", unknown},
    {"Oui monsieur", unknown},
    {"Non, arrête de m'écrire", unknown},
    {"Non, arrêtez de m'envoyer des messages", unknown},
    {"No, stop texting me", unknown},
    {"Non merci, enlevez-moi de la liste", unknown},
    {"Non, je veux plus recevoir ça", unknown},
    {"oui stp arrêtez de m'écrire", unknown},
    {"Oui\n> Assemblée générale ce soir", unknown},
    {"Non \"je serai pas là\" c'est ce que j'ai dit", unknown},
    {"Oui, avec ma fille", unknown},
    {"Oui, ma blonde vient aussi", unknown},
    {"Oui, nous autres aussi", unknown},
    {"Peut-être, avec ma fille", unknown},
    {"J'pense que oui", unknown},
    {"Oui, je pense", unknown},
    {"Oui je crois", unknown},
    {"Yes I think so", unknown},
    {"Oui normalement", unknown},
    {"Oui, normalement", unknown},
    {"Oui, je travaille", unknown},
    {"Oui, je suis de garde", unknown},
    {"Oui, désolé, je travaille", unknown},
    {"Yes, sorry, I'm working", unknown},
    {"Non, je viens", unknown},
    {"Non, j'arrive plus tard", unknown},
    {"Non, je serai en retard", unknown},
    {"No, I'll come later", unknown},
    {"Nope, I'm coming", unknown},
    {"J'arrive pas à me libérer", unknown},
    {"STOP, je suis tanné", unknown},
    {"Oui, arrêtez pas", unknown},
    {"Oui, j'arrive après mon quart, A7 A8", unknown},
    {"Je travaille, donc non", unknown},
    {"Ben là, oui", unknown},
    {"Oui, je finis tard mais je serai là", unknown},
    {"Non, je travaille, mais mon chum y va", unknown},
    {"Non, pas encore décidé", unknown},
    {"Non, je peux pas ne pas y aller", unknown},
    {"Non, pas capable de pas venir", unknown},
    {"Non, pas de souci", unknown},
    {"Non, je lâche pas", unknown},
    {"No, I'm not against it", unknown},
    {"Oui, j'ai de la place dans mon char", unknown},
    {"Oui +1 (mon conjoint)", unknown},
    {"Oui, je peux prendre du monde", unknown},
    {"Oui, à moins d'imprévu", unknown},
    {"Yes unless something comes up", unknown},
    {"Yes, hopefully", unknown},
    {"Oui, j'espère", unknown},
    {"Oui, je peux amener 2 personnes", unknown},
    {"Oui je serai là avec mon conjoint", unknown},
    {"Yes, my wife too", unknown},
    {"Oui, j'ai un char", unknown},
    {"Non, ça me dérange pas", unknown},
    {"No, I don't mind", unknown},
    {"Je travaille", unknown},
    {"Chu de garde", unknown},
    {"Sorry I'm working", unknown},
    {"Probablement oui", unknown},
    {"Non, mais ma conjointe va y aller", unknown},
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

// --- a reason after the answer -----------------------------------------------------------------

TEST(RepliesReplyReader, ReasonAfterAClearAnswerKeepsWhatTheAnswerSaid) {
  const Reading reading = read_reply("OUI BUS 2, je finis tard ce soir-là A7");
  EXPECT_TRUE(reading.sure());
  EXPECT_EQ(reading.answer, Answer::yes);
  EXPECT_EQ(reading.transport, Transport::bus);
  EXPECT_EQ(reading.bus_seats, 2);
  EXPECT_EQ(reading.alert_code, "A7");
  EXPECT_EQ(reading.language, Language::fr);
  EXPECT_EQ(read_reply("No, I'm out of town").language, Language::en);
}

TEST(RepliesReplyReader, ReasonThatCouldChangeTheAnswerIsUnknown) {
  // Each base reads; each word after it would add a count, a transport, a negation, a
  // condition, a contrast, another answer or an opt-out, so the reply goes to a person.
  for (const char* base : {"Oui, j'arrive après mon quart", "Non, je suis de garde ce soir-là",
                           "Peut-être, je dois voir mon horaire", "No, I'm out of town"}) {
    ASSERT_TRUE(read_reply(base).sure()) << base;
    for (const char* word : {"2", "deux", "17h", "bus", "lift", "char", "ride", "pas pas",
                             "pas rien", "si", "if", "sauf", "mais", "but", "+1", "oui",
                             "stop", "arrêtez", "\"ok\"", "avec 2 amis", "c'est ça", "?"}) {
      const std::string text = std::string(base) + " " + word;
      const Reading reading = read_reply(text);
      if (reading.sure()) {
        // Only the same answer said again may stand ("Non, je suis de garde… non").
        EXPECT_EQ(to_json(reading), to_json(read_reply(base))) << text;
        EXPECT_TRUE(std::string_view(word) == "oui" && reading.answer == Answer::yes) << text;
      }
    }
  }
}

TEST(RepliesReplyReader, OneNegationInTheReasonAgreesWithANoOnly) {
  EXPECT_EQ(read_reply("Non, je suis pas en ville").answer, Answer::no);
  EXPECT_EQ(read_reply("No, I'm not in town").answer, Answer::no);
  EXPECT_FALSE(read_reply("Oui, je suis pas en ville").sure());
  EXPECT_FALSE(read_reply("Peut-être, je suis pas en ville").sure());
  EXPECT_FALSE(read_reply("Non, c'est pas que j'ai pas envie").sure());  // two may undo
}

TEST(RepliesReplyReader, ReasonIsReadOnlyAfterAnAnswerSaidInWords) {
  EXPECT_FALSE(read_reply("je suis de garde, non").sure());
  EXPECT_FALSE(read_reply("zorglub oui").sure());
  EXPECT_FALSE(read_reply("BUS 2, je finis tard").sure());  // a yes implied, not said
  EXPECT_TRUE(read_reply("Oui BUS 2, je finis tard").sure());
}

TEST(RepliesReplyReader, ReasonIsSetOffFromTheAnswer) {
  // A lone answer word followed by more words starts idioms: "no problem" is not a no.
  EXPECT_FALSE(read_reply("Oui monsieur").sure());
  EXPECT_EQ(read_reply("Oui, monsieur").answer, Answer::yes);  // punctuation sets it off
  EXPECT_EQ(read_reply("Oui\nmonsieur").answer, Answer::yes);  // a line break too
  EXPECT_EQ(read_reply("Non je travaille").answer, Answer::no);  // so does a subject
  EXPECT_EQ(read_reply("No because I work").answer, Answer::no);  // or a because
  EXPECT_EQ(read_reply("Je peux pas ce soir-là").answer, Answer::no);  // or a phrase
  EXPECT_FALSE(read_reply("Non seulement").sure());
}

TEST(RepliesReplyReader, ReasonIsAFewWordsAtMost) {
  // 16 words after the answer are a reason; 17 are a conversation, for a person.
  const std::string sixteen =
      "Non, je suis de garde ce soir-là au bureau de la rue en face du parc";
  EXPECT_EQ(read_reply(sixteen).answer, Answer::no);
  EXPECT_FALSE(read_reply(sixteen + " central").sure());
}

TEST(RepliesReplyReader, QuotedTextIsNeverReadAsAReason) {
  EXPECT_EQ(read_reply("Oui, je finis tard").answer, Answer::yes);
  EXPECT_FALSE(read_reply("Oui, \"je finis tard\"").sure());
  EXPECT_FALSE(read_reply("Oui\n> Assemblée générale ce soir").sure());
  EXPECT_FALSE(read_reply("Non « je finis tard »").sure());
  EXPECT_EQ(read_reply("Oui \"OK\"").answer, Answer::yes);  // all read: no reason to weigh
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
