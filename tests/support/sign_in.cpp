#include "tests/support/sign_in.h"

#include <gtest/gtest.h>

#include <regex>

#include "tests/support/http_client.h"

namespace tocsin::testing {

std::string sign_in_code_in(const std::string& text) {
  std::smatch match;
  if (!std::regex_search(text, match,
                         std::regex("(?:code de connexion est|sign-in code is) ([0-9]{6})"))) {
    return "";
  }
  return match[1];
}

std::string session_by_code(const DaemonProcess& daemon, const std::string& admin_token,
                            const std::string& account_json, const std::string& address,
                            const std::function<std::vector<std::string>()>& texts_sent) {
  using namespace std::chrono_literals;
  auto created =
      http_request("POST", daemon.base_url() + "/v1/accounts", account_json, bearer(admin_token));
  EXPECT_EQ(created.status, 201) << created.body;
  const std::vector<std::string> from_page{"Content-Type: application/json",
                                           "Origin: " + daemon.base_url()};
  const size_t before = texts_sent().size();
  auto asked = http_request("POST", daemon.base_url() + "/v1/sessions:code",
                            R"({"address":")" + address + "\"}", from_page);
  EXPECT_EQ(asked.status, 202) << asked.body;
  std::vector<std::string> texts;
  const bool sent = eventually(
      [&] {
        texts = texts_sent();
        return texts.size() > before;
      },
      10s);
  EXPECT_TRUE(sent) << "no code reached " << address;
  if (!sent) return "";
  const std::string code = sign_in_code_in(texts.back());
  EXPECT_FALSE(code.empty()) << texts.back();
  auto signed_in =
      http_request("POST", daemon.base_url() + "/v1/sessions",
                   R"({"address":")" + address + R"(","code":")" + code + "\"}", from_page);
  EXPECT_EQ(signed_in.status, 201) << signed_in.body;
  std::smatch match;
  const std::string cookie = signed_in.header("Set-Cookie");
  if (!std::regex_search(cookie, match, std::regex("^tocsin_session=([^;]+)"))) return "";
  return match[1];
}

}  // namespace tocsin::testing
