#pragma once
// A Y4M video for Chromium's fake camera (--use-file-for-fake-video-capture): the text
// header "YUV4MPEG2 W.. H.. F10:1 Ip A1:1 C420jpeg", then per frame "FRAME\n" and the Y, U and
// V planes (4:2:0: U and V at half the width and height). Chromium plays it in a loop.
// Frames here are black QR modules on white (U = V = 128: grey levels only), each QR code
// scaled to whole pixels and centred with its quiet zone, or blank: a code leaving the
// camera's view.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tocsin::testing {

using QrModules = std::vector<std::vector<bool>>;  // rows, true = dark, no quiet zone

struct VideoShot {
  std::optional<QrModules> code;  // nullopt: a blank frame
  int frames = 10;                // at 10 frames per second
};

// Writes the shots in order; throws std::runtime_error when the file cannot be written.
void write_qr_video(const std::filesystem::path& file, const std::vector<VideoShot>& shots,
                    int width = 640, int height = 480);

// The modules of a QR code drawn as checkin::qr_svg() draws it (its path of dark runs
// "M x y h n v1 h-n z", with the quiet zone): what a member's page shows, read back.
// nullopt when `svg` holds no such path.
std::optional<QrModules> modules_of_svg(const std::string& svg);

}  // namespace tocsin::testing
