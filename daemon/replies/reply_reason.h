#pragma once
// The reply reader's reason clause: words the vocabulary does not know, written after a
// clear answer to say why ("Non, je suis de garde ce soir-là", "Oui, j'arrive après mon
// quart"). They may be read past only when they cannot change what the answer says, so the
// check is a list of what they must not hold, and anything on it makes the reply unknown:
//   - a count: a digit anywhere ("17h", "local 1234") or a number word (deux, three…; not
//     un/une, which are articles);
//   - an answer of another kind, a transport, a party, a pickup point (phrases of the
//     vocabulary), or a word about transport (lift, ride, char, drive, place, seat…);
//   - a condition (si, if, unless, sauf, à moins, dépend, selon…), a contrast anywhere in
//     the reply (mais, but, par contre, however…), a sarcasm ("c'est ça", right, genre), an
//     idiom an answer starts ("no problem", "no idea", "no way I'd miss it", "ça me dérange
//     pas");
//   - after a yes or a maybe, a negation (pas, ne, n', jamais, plus, pu, not, n't, never…);
//     after a no, more than one (one agrees with it: "Non, je suis pas en ville");
//   - after a yes or a no, a hedge (pense, crois, think, hope, might, essayer, vérifier…);
//   - words about the messages themselves (arrête, écrire, message, unsubscribe…): an
//     opt-out is never read from a sentence, and a no beside one goes to a person too;
//   - after a yes or a maybe: a companion (avec, with, ma fille, nous, we…);
//   - after a yes: a reason not to come (travaille, work, malade, sick, vacances…; but
//     "oui, j'arrive après le travail") or an apology (désolé, sorry);
//   - after a no: a word of coming (arrive, viens, join, coming…);
//   - quotation marks or '>' anywhere (quoted or forwarded text).
// The clause must also be set off from the answer: after punctuation, a line break or an
// emoji, starting with a subject, a because or an after ("non je travaille", "no im
// working", "oui parce que…", "yes after my shift"), or right after an answer of several
// words ("je peux pas ce soir", "I'm out of town"), never right after a lone answer word
// ("no problem", "oui monsieur"); and be at most kMaxReasonTokens tokens long.

#include <cstddef>

#include "replies/reply_reader.h"
#include "replies/reply_tokens.h"
#include "replies/reply_vocabulary.h"

namespace tocsin::replies {

inline constexpr size_t kMaxReasonTokens = 16;

// Whether the tokens from words.first_unknown on are a reason clause that adds nothing to
// `answer` (yes, no or maybe, said by the phrases before them). Pure.
bool reason_adds_nothing(const TokenizedReply& reply, const WordsRead& words, Answer answer);

}  // namespace tocsin::replies
