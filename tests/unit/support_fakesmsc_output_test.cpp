// The Kannel harness reads fakesmsc's log back into messages; these lines are as Debian's
// Kannel 1.4.5 printed them.

#include <gtest/gtest.h>

#include "tests/support/fakesmsc_output.h"

namespace tocsin::testing {
namespace {

constexpr char kPrefix[] = "2026-11-22 11:05:23 [4895] [0] DEBUG: ";

std::string line(const std::string& record) {
  return kPrefix + record + "\n";
}

TEST(SupportFakesmscOutput, TextAndUcs2Lines) {
  FakesmscOutput output;
  output.feed(line("Got message 1: <123 456 text Réponds OUI à l assemblée ù>"));
  output.feed(
      line("Got message 2: <123 456 ucs-2 %00R%00%E9%00p%00o%00n%00d%00s%00+%00O%00U%00I%00+%00%E0"
           "%00+%00l+%19%00a%00s%00s%00e%00m%00b%00l%00%E9%00e%00++%14%00+%01R%00u%00v%00r%00e>"));
  ASSERT_EQ(output.messages().size(), 2u);
  EXPECT_EQ(output.messages()[0].from, "123");
  EXPECT_EQ(output.messages()[0].to, "456");
  EXPECT_EQ(output.messages()[0].text, "Réponds OUI à l assemblée ù");
  EXPECT_FALSE(output.messages()[0].ucs2);
  // '+' is a space byte (0x20) inside the UTF-16: "%00+" is U+0020, "l+%19" is l then ’.
  EXPECT_EQ(output.messages()[1].text, "Réponds OUI à l’assemblée — Œuvre");
  EXPECT_TRUE(output.messages()[1].ucs2);
  EXPECT_EQ(output.records(), 2u);
  EXPECT_EQ(output.unreadable(), 0u);
}

TEST(SupportFakesmscOutput, PartsAreJoinedInOrderWhateverTheirArrival) {
  FakesmscOutput output;
  output.feed(line("Got message 1: <1 2 udh %05%00%03%05%02%02 data +l+assembl%C3%A9e>"));
  EXPECT_TRUE(output.messages().empty());
  output.feed(line("Got message 2: <1 2 udh %05%00%03%05%02%01 data R%C3%A9ponds+OUI+%C3%A0>"));
  ASSERT_EQ(output.messages().size(), 1u);
  EXPECT_EQ(output.messages()[0].text, "Réponds OUI à l assemblée");
  EXPECT_EQ(output.messages()[0].segments, 2);
  EXPECT_FALSE(output.messages()[0].ucs2);
}

TEST(SupportFakesmscOutput, Ucs2PartsAreToldByTheirNulBytes) {
  FakesmscOutput output;
  output.feed(line("Got message 1: <1 2 udh %06%08%04%01%00%02%01 data %00R%00%E9>"));
  output.feed(line("Got message 2: <1 2 udh %06%08%04%01%00%02%02 data +%14%01R>"));
  ASSERT_EQ(output.messages().size(), 1u);
  EXPECT_EQ(output.messages()[0].text, "Ré—Œ");
  EXPECT_TRUE(output.messages()[0].ucs2);
}

TEST(SupportFakesmscOutput, NewlinesInATextAreJoinedBack) {
  FakesmscOutput output;
  // What "ligne1\nligne deux\n" looks like: three protocol lines.
  output.feed(line("Got message 1: <123 456 text ligne1>") + line("Got message 2: <ligne deux>") +
              line("Got message 3: <>") + line("Got message 4: <123 789 text suivant>"));
  ASSERT_EQ(output.messages().size(), 2u);
  EXPECT_EQ(output.messages()[0].text, "ligne1\nligne deux\n");
  EXPECT_EQ(output.messages()[1].text, "suivant");
  EXPECT_EQ(output.records(), 4u);
}

TEST(SupportFakesmscOutput, LinesSplitAcrossFeedsAndOtherLogLines) {
  FakesmscOutput output;
  const std::string all = std::string(kPrefix) + "INFO: fakesmsc starting\n" +
                          line("Got message 1: <1 2 text Bonjour>");
  for (char c : all) output.feed(std::string(1, c));
  ASSERT_EQ(output.messages().size(), 1u);
  EXPECT_EQ(output.messages()[0].text, "Bonjour");
}

}  // namespace
}  // namespace tocsin::testing
