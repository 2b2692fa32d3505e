// The check-in QR code as a page shows it (checkin/qr_svg.h): the SVG's dark runs are
// exactly libqrencode's modules, with a quiet zone, an accessible name, and nothing for a
// text too long to encode.

#include "checkin/qr_svg.h"

#include <gtest/gtest.h>

#include "tests/support/y4m.h"

namespace tocsin::checkin {
namespace {

const std::string kUrl =
    "https://tocsin.example/#checkin=a1b2c3d4e5f6g7h8.M100234.AbCdEfGhIjKlMnOp";

TEST(CheckinQrSvg, DrawsTheEncodersModules) {
  const auto matrix = qr_matrix(kUrl);
  ASSERT_TRUE(matrix.has_value());
  EXPECT_GE(matrix->size(), 21u);  // version 1 or more
  const std::string svg = qr_svg(kUrl, "Code QR d'accueil");
  const auto drawn = testing::modules_of_svg(svg);
  ASSERT_TRUE(drawn.has_value()) << svg;
  EXPECT_EQ(*drawn, *matrix);
  const std::string box = std::to_string(matrix->size() + 8);
  EXPECT_NE(svg.find("viewBox=\"0 0 " + box + " " + box + "\""), std::string::npos);
}

TEST(CheckinQrSvg, HasAnEscapedAccessibleName) {
  const std::string svg = qr_svg(kUrl, "Code \"QR\" <d'accueil>");
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_NE(svg.find("aria-label=\"Code &quot;QR&quot; &lt;d&#39;accueil&gt;\""), std::string::npos)
      << svg.substr(0, 300);
}

TEST(CheckinQrSvg, DifferentCodesDrawDifferently) {
  EXPECT_NE(*qr_matrix(kUrl), *qr_matrix(kUrl + "x"));
}

TEST(CheckinQrSvg, TooLongATextIsNotDrawn) {
  const std::string huge(8000, 'a');
  EXPECT_FALSE(qr_matrix(huge).has_value());
  EXPECT_EQ(qr_svg(huge, "x"), "");
}

}  // namespace
}  // namespace tocsin::checkin
