#pragma once
// A check-in code as a QR code: libqrencode encodes the text into the module matrix (the
// error correction, masks and layout are the library's); drawing that matrix as an SVG a
// page can inline is ours. Pure.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::checkin {

// Rows of modules, true = dark, without the quiet zone; nullopt when the text cannot be
// encoded (too long). Error correction M: a code on a cracked screen still scans.
std::optional<std::vector<std::vector<bool>>> qr_matrix(std::string_view text);

// An <svg> of the matrix with a 4-module quiet zone, scaled by its container (viewBox in
// modules, crisp edges), one path of dark runs, role="img" with `label` (escaped here) as
// its accessible name. "" when the text cannot be encoded.
std::string qr_svg(std::string_view text, std::string_view label);

}  // namespace tocsin::checkin
