#include <gtest/gtest.h>

#include <stdexcept>

#include "adapters/console/console_gateway.h"
#include "adapters/registry.h"
#include "config/config.h"

namespace tocsin::adapters {
namespace {

class AdaptersRegistry : public ::testing::Test {
 protected:
  AdaptersRegistry() { register_builtin_gateways(registry_); }

  std::vector<std::unique_ptr<Gateway>> build(const std::string& text) {
    errors_.clear();
    return registry_.build_all(config::parse_text(text, "test.textproto"), &errors_);
  }

  GatewayRegistry registry_;
  std::vector<std::string> errors_;
};

TEST_F(AdaptersRegistry, BuildsConsoleAndFileGatewaysInOrder) {
  auto gateways = build(R"pb(
    gateways {
      name: "out"
      rate_per_second: 25
      console { channel: "sms" }
    }
    gateways {
      name: "mail"
      file { channel: "email" path: "/tmp/outbox.jsonl" }
    }
  )pb");
  ASSERT_TRUE(errors_.empty()) << errors_.front();
  ASSERT_EQ(gateways.size(), 2u);

  EXPECT_EQ(gateways[0]->type(), "console");
  EXPECT_EQ(gateways[0]->name(), "out");
  EXPECT_EQ(gateways[0]->channel(), "sms");
  EXPECT_DOUBLE_EQ(gateways[0]->rate_per_second(), 25);
  EXPECT_EQ(dynamic_cast<ConsoleGateway&>(*gateways[0]).path(), "-");

  EXPECT_EQ(gateways[1]->type(), "file");
  EXPECT_EQ(gateways[1]->name(), "mail");
  EXPECT_EQ(gateways[1]->channel(), "email");
  // Left at zero (defaults not applied): the documented default of 1 per second.
  EXPECT_DOUBLE_EQ(gateways[1]->rate_per_second(), 1);
  EXPECT_EQ(dynamic_cast<ConsoleGateway&>(*gateways[1]).path(), "/tmp/outbox.jsonl");
}

TEST_F(AdaptersRegistry, NoGatewaysIsNoError) {
  EXPECT_TRUE(build("").empty());
  EXPECT_TRUE(errors_.empty());
}

TEST_F(AdaptersRegistry, EntryWithoutTypeNamesItsIndex) {
  auto gateways = build(R"pb(
    gateways {
      name: "ok"
      console { channel: "sms" }
    }
    gateways { name: "typeless" }
  )pb");
  EXPECT_TRUE(gateways.empty()) << "no partial set of gateways on error";
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0], "gateways[1]: no gateway type set; expected one of console, file, kannel, smtp, twilio");
}

TEST_F(AdaptersRegistry, TypeWithoutFactoryNamesIndexAndType) {
  GatewayRegistry only_console;
  only_console.add(config::GatewayConfig::kConsole, "console",
                   [](const config::GatewayConfig& entry, const FactoryContext&, std::string*) {
                     return std::make_unique<ConsoleGateway>("console", entry.name(), "sms", 1,
                                                             "-");
                   });
  config::Config config = config::parse_text(R"pb(gateways {
                                                    name: "f"
                                                    file { channel: "sms" path: "/tmp/x" }
                                                  })pb",
                                             "t");
  auto gateways = only_console.build_all(config, &errors_);
  EXPECT_TRUE(gateways.empty());
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0],
            "gateways[0]: gateway type file is not available in this build; expected one of "
            "console");
}

TEST_F(AdaptersRegistry, AdapterErrorsAreReportedForEveryEntry) {
  auto gateways = build(R"pb(
    gateways {
      name: "a"
      console { channel: "fax" }
    }
    gateways {
      name: "b"
      file { channel: "sms" }
    }
    gateways {
      name: "c"
      file { channel: "sms" path: "-" }
    }
  )pb");
  EXPECT_TRUE(gateways.empty());
  ASSERT_EQ(errors_.size(), 3u);
  EXPECT_EQ(errors_[0], "gateways[0].console.channel: expected sms or email, got \"fax\"");
  EXPECT_EQ(errors_[1].rfind("gateways[1].file.path: required", 0), 0u) << errors_[1];
  EXPECT_EQ(errors_[2].rfind("gateways[2].file.path: required", 0), 0u) << errors_[2];
}

TEST_F(AdaptersRegistry, ErrorsArgumentMayBeNull) {
  config::Config config = config::parse_text(R"pb(gateways { name: "x" })pb", "t");
  EXPECT_TRUE(registry_.build_all(config, nullptr).empty());
}

TEST_F(AdaptersRegistry, RegisteringAKindTwiceIsAProgrammingError) {
  EXPECT_TRUE(registry_.has(config::GatewayConfig::kConsole));
  EXPECT_THROW(register_console_gateways(registry_), std::logic_error);
  EXPECT_THROW(registry_.add(config::GatewayConfig::KIND_NOT_SET, "none",
                             [](const config::GatewayConfig&, const FactoryContext&, std::string*) {
                               return std::unique_ptr<Gateway>();
                             }),
               std::logic_error);
}

TEST_F(AdaptersRegistry, CallbacksDefaultToNotSupported) {
  auto gateways = build(R"pb(gateways {
                               name: "out"
                               console { channel: "sms" }
                             })pb");
  ASSERT_EQ(gateways.size(), 1u);
  auto status = gateways[0]->parse_status(CallbackRequest{});
  EXPECT_FALSE(status);
  EXPECT_EQ(status.error, CallbackError::not_supported);
  auto inbound = gateways[0]->parse_inbound(CallbackRequest{});
  EXPECT_FALSE(inbound);
  EXPECT_EQ(inbound.error, CallbackError::not_supported);
  EXPECT_NE(inbound.reason.find("console"), std::string::npos);
}

}  // namespace
}  // namespace tocsin::adapters
