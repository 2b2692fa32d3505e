#include "dashboard/assets.h"

#include <gtest/gtest.h>

namespace tocsin::dashboard {
namespace {

TEST(DashboardAssets, AcceptsGzipWhenNamedOrStarredWithoutAZeroWeight) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br, zstd"));  // Chromium's
  EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("br, deflate"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip; q=0.000"));
  EXPECT_FALSE(accepts_gzip("x-gzip-ish"));
}

TEST(DashboardAssets, EveryLargeFileHasASmallerGzipWithItsOwnTag) {
  const Asset* script = find_asset("app.js");
  ASSERT_NE(script, nullptr);
  ASSERT_FALSE(script->gzip.empty());
  EXPECT_LT(script->gzip.size(), script->bytes.size());
  EXPECT_EQ(script->gzip.substr(0, 2), "\x1f\x8b");  // the gzip magic
  EXPECT_NE(script->gzip_etag, script->etag);
  EXPECT_EQ(script->gzip_etag.front(), '"');
  EXPECT_EQ(script->gzip_etag.back(), '"');
}

}  // namespace
}  // namespace tocsin::dashboard
