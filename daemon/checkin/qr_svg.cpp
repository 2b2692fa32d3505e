#include "checkin/qr_svg.h"

#include <qrencode.h>

#include <memory>

#include "http/html_escape.h"

namespace tocsin::checkin {
namespace {

constexpr int kQuietZone = 4;  // modules of light margin the QR standard asks for

}  // namespace

std::optional<std::vector<std::vector<bool>>> qr_matrix(std::string_view text) {
  const std::string input(text);  // libqrencode reads a NUL-terminated string
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!code) return std::nullopt;
  const int width = code->width;
  std::vector<std::vector<bool>> rows(width, std::vector<bool>(width));
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width; ++x) rows[y][x] = (code->data[y * width + x] & 1) != 0;
  }
  return rows;
}

std::string qr_svg(std::string_view text, std::string_view label) {
  const auto rows = qr_matrix(text);
  if (!rows) return "";
  const int size = static_cast<int>(rows->size()) + 2 * kQuietZone;
  // One horizontal run of dark modules per "M x y h n v 1 h -n z": a tenth of the markup
  // of one <rect> per module.
  std::string path;
  for (size_t y = 0; y < rows->size(); ++y) {
    const auto& row = (*rows)[y];
    for (size_t x = 0; x < row.size();) {
      if (!row[x]) {
        ++x;
        continue;
      }
      size_t end = x;
      while (end < row.size() && row[end]) ++end;
      path += "M" + std::to_string(x + kQuietZone) + " " + std::to_string(y + kQuietZone) + "h" +
              std::to_string(end - x) + "v1h-" + std::to_string(end - x) + "z";
      x = end;
    }
  }
  const std::string box = std::to_string(size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + box + " " + box +
         "\" role=\"img\" aria-label=\"" + http::html_escape(label) +
         "\" shape-rendering=\"crispEdges\"><rect width=\"" + box + "\" height=\"" + box +
         "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

}  // namespace tocsin::checkin
