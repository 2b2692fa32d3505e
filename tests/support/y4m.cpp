#include "tests/support/y4m.h"

#include <fstream>
#include <regex>
#include <stdexcept>

namespace tocsin::testing {
namespace {

constexpr int kQuietZone = 4;

std::string frame_of(const std::optional<QrModules>& code, int width, int height) {
  std::string y(static_cast<size_t>(width) * height, static_cast<char>(255));  // white (C420jpeg: full range)
  if (code && !code->empty()) {
    const int modules = static_cast<int>(code->size()) + 2 * kQuietZone;
    const int scale = std::max(1, std::min(width, height) * 3 / 4 / modules);
    const int left = (width - modules * scale) / 2;
    const int top = (height - modules * scale) / 2;
    for (size_t row = 0; row < code->size(); ++row) {
      for (size_t col = 0; col < (*code)[row].size(); ++col) {
        if (!(*code)[row][col]) continue;
        const int x0 = left + (static_cast<int>(col) + kQuietZone) * scale;
        const int y0 = top + (static_cast<int>(row) + kQuietZone) * scale;
        for (int dy = 0; dy < scale; ++dy) {
          std::fill_n(y.begin() + static_cast<size_t>(y0 + dy) * width + x0, scale,
                      static_cast<char>(0));  // black
        }
      }
    }
  }
  const size_t chroma = static_cast<size_t>((width + 1) / 2) * ((height + 1) / 2);
  return "FRAME\n" + y + std::string(2 * chroma, static_cast<char>(128));
}

}  // namespace

void write_qr_video(const std::filesystem::path& file, const std::vector<VideoShot>& shots,
                    int width, int height) {
  std::ofstream out(file, std::ios::binary);
  out << "YUV4MPEG2 W" << width << " H" << height << " F10:1 Ip A1:1 C420jpeg\n";
  for (const VideoShot& shot : shots) {
    const std::string frame = frame_of(shot.code, width, height);
    for (int i = 0; i < shot.frames; ++i) out << frame;
  }
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::optional<QrModules> modules_of_svg(const std::string& svg) {
  std::smatch box;
  if (!std::regex_search(svg, box, std::regex(R"(viewBox="0 0 (\d+) \d+")"))) return std::nullopt;
  const int size = std::stoi(box[1]) - 2 * kQuietZone;
  if (size <= 0) return std::nullopt;
  QrModules modules(size, std::vector<bool>(size));
  const std::regex run(R"(M(\d+) (\d+)h(\d+)v1h-\d+z)");
  bool any = false;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), run); it != std::sregex_iterator();
       ++it) {
    const int x = std::stoi((*it)[1]) - kQuietZone, y = std::stoi((*it)[2]) - kQuietZone;
    const int n = std::stoi((*it)[3]);
    if (y < 0 || y >= size || x < 0 || x + n > size) return std::nullopt;
    for (int i = 0; i < n; ++i) modules[y][x + i] = true;
    any = true;
  }
  if (!any) return std::nullopt;
  return modules;
}

}  // namespace tocsin::testing
