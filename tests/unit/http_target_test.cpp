#include "http/message.h"

#include <gtest/gtest.h>

namespace tocsin::http {
namespace {

TEST(ParseTarget, SplitsAndDecodesPathAndQuery) {
  std::string path;
  std::multimap<std::string, std::string> query;
  ASSERT_TRUE(parse_target("/v1/members:count?audience=region%3Aestrie+AND+tag%3Amob&x=1&flag",
                           &path, &query));
  EXPECT_EQ(path, "/v1/members:count");
  EXPECT_EQ(query.find("audience")->second, "region:estrie AND tag:mob");
  EXPECT_EQ(query.find("x")->second, "1");
  EXPECT_EQ(query.find("flag")->second, "");
}

TEST(ParseTarget, DecodesUtf8InPath) {
  std::string path;
  std::multimap<std::string, std::string> query;
  ASSERT_TRUE(parse_target("/r/Mont%C3%A9r%C3%A9gie", &path, &query));
  EXPECT_EQ(path, "/r/Montérégie");
  EXPECT_TRUE(query.empty());
}

TEST(ParseTarget, RejectsWhatIsNotOriginForm) {
  std::string path;
  std::multimap<std::string, std::string> query;
  EXPECT_FALSE(parse_target("", &path, &query));
  EXPECT_FALSE(parse_target("http://example.org/", &path, &query));
  EXPECT_FALSE(parse_target("*", &path, &query));
  EXPECT_FALSE(parse_target("/a%00b", &path, &query)) << "a decoded NUL is refused";
}

TEST(ErrorResponse, IsJsonWithErrorAndField) {
  Response response = error_response(400, "bad \"role\"", "role");
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"error":"bad \"role\"","field":"role"})");
}

}  // namespace
}  // namespace tocsin::http
