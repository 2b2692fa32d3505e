// Text tables: columns aligned by characters, not bytes, so French text lines up.

#include "util/columns.h"

#include <gtest/gtest.h>

#include <sstream>

namespace tocsin {
namespace {

TEST(UtilColumns, AlignsByCharactersNotBytes) {
  std::ostringstream out;
  write_columns(out, {{"région", "n"}, {"estrie", "12"}, {"x"}});
  EXPECT_EQ(out.str(),
            "région  n\n"
            "estrie  12\n"
            "x\n");
}

TEST(UtilColumns, DisplayWidthCountsCodePoints) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("Montérégie"), 10u);
  EXPECT_EQ(display_width("PEUT-ÊTRE"), 9u);
}

}  // namespace
}  // namespace tocsin
