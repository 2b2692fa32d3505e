#pragma once
// Folding of names typed by people, so "Montérégie", "MONTEREGIE " and "montérégie" compare
// equal: headers, regions, sectors, tags. Not a general Unicode case fold (we have no ICU);
// it covers what Quebec and Western-European rosters contain.

#include <string>
#include <string_view>

namespace tocsin::members {

// Lowercases ASCII; maps every letter of Latin-1 Supplement and Latin Extended-A to its
// unaccented lowercase ASCII form (é→e, Ç→c, œ→oe, æ→ae, ß→ss, þ→th); drops combining
// accents (U+0300–U+036F, from NFD text) and zero-width characters (BOM, ZWSP); maps curly
// apostrophes to '; trims and collapses whitespace (including no-break spaces) to one space.
// Other characters pass through unchanged. Invalid UTF-8 bytes are dropped.
std::string fold(std::string_view utf8);

// Strict UTF-8: no overlong forms, surrogates, or code points above U+10FFFF.
bool is_valid_utf8(std::string_view bytes);

// `text` without the ASCII white space (space, tab, CR, LF, VT, FF) at either end.
std::string_view trim(std::string_view text);

}  // namespace tocsin::members
