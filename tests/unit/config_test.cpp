#include "config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "adapters/registry.h"

namespace tocsin::config {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// An Environment backed by a map, so tests never depend on (or change) the real one.
Environment fake_env(std::map<std::string, std::string> vars = {}) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// A fresh directory under $TMPDIR, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "tocsin-config-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }
  fs::path write(const std::string& name, const std::string& contents) const {
    fs::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << contents;
    return file;
  }

 private:
  fs::path path_;
};

constexpr const char* kMinimal = R"(redis { url: "redis://127.0.0.1:6379" })";

// A config whose redis block holds the valid URL plus `fields`.
std::string redis_with(const std::string& fields) {
  return R"(redis { url: "redis://127.0.0.1:6379" )" + fields + " }";
}

// The lines validate() prints for `text` once defaults are applied.
std::vector<std::string> problems_in(const std::string& text) {
  Config config = parse_text(text, "tocsin.conf");
  apply_defaults(config);
  std::vector<std::string> lines;
  for (const ConfigError& problem : validate(config)) lines.push_back(problem.what());
  return lines;
}

// The one problem validate() finds in `text`.
std::string only_problem(const std::string& text) {
  std::vector<std::string> problems = problems_in(text);
  EXPECT_EQ(problems.size(), 1u) << ::testing::PrintToString(problems);
  return problems.empty() ? "" : problems.front();
}

std::string parse_error(const std::string& text) {
  try {
    parse_text(text, "tocsin.conf");
  } catch (const ConfigError& error) {
    return error.what();
  }
  ADD_FAILURE() << "parsed without error: " << text;
  return "";
}

std::string secret_error(const Secret& secret, const Environment& env) {
  try {
    std::string value = resolve_secret(secret, "redis.password", env);
    ADD_FAILURE() << "resolved to " << value;
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.field(), "redis.password");
    return error.what();
  }
  return "";
}

// --- ConfigError --------------------------------------------------------------------------

TEST(ConfigError, WhatJoinsFieldAndReason) {
  ConfigError error("http.listen", "bad");
  EXPECT_STREQ(error.what(), "http.listen: bad");
  EXPECT_EQ(error.field(), "http.listen");
  EXPECT_EQ(error.reason(), "bad");
}

// --- parsing -------------------------------------------------------------------------------

TEST(ConfigParse, ReadsFields) {
  Config config = parse_text(R"(
    # a comment
    http { listen: "0.0.0.0:9000" max_body_bytes: 2048 }
    gateways { name: "a" console { channel: "sms" } }
    gateways { name: "b" file { channel: "email" path: "out.jsonl" } }
  )",
                             "tocsin.conf");
  EXPECT_EQ(config.http().listen(), "0.0.0.0:9000");
  EXPECT_EQ(config.http().max_body_bytes(), 2048);
  ASSERT_EQ(config.gateways_size(), 2);
  EXPECT_TRUE(config.gateways(0).has_console());
  EXPECT_EQ(config.gateways(1).file().path(), "out.jsonl");
}

TEST(ConfigParse, UnknownFieldNamesFieldAndOneBasedPosition) {
  try {
    parse_text("# header\nhttp {\n  listn: \"127.0.0.1:80\"\n}\n", "tocsin.conf");
    FAIL() << "unknown field accepted";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(),
                 "tocsin.conf:3:3: \"listn\" is not a field of http { … }: did you "
                 "mean \"listen\"?");
    EXPECT_EQ(error.field(), "tocsin.conf:3:3");
  }
}

TEST(ConfigParse, SyntaxErrorNamesLine) {
  std::string error = parse_error("http {\n  listen: \"x\"\n  max_body_bytes: }\n");
  EXPECT_THAT(error, ::testing::StartsWith("tocsin.conf:3:"));
}

TEST(ConfigParse, UnclosedBlockIsAnError) {
  EXPECT_THAT(
      parse_error("http {\n  listen: \"x\"\n"),
      HasSubstr("the file ends inside http { … } opened on line 1: a closing } is missing"));
}

TEST(ConfigParse, WrongTypeIsAnError) {
  EXPECT_THAT(parse_error("http { listen: 8080 }"), HasSubstr("tocsin.conf:1:"));
}

TEST(ConfigParse, RepeatedSingularFieldIsAnError) {
  EXPECT_THAT(parse_error("time_zone: \"UTC\"\ntime_zone: \"UTC\"\n"),
              HasSubstr("time_zone is set twice"));
}

TEST(ConfigParse, TwoGatewayTypesAreAnError) {
  EXPECT_THAT(parse_error("gateways { console {} file {} }"),
              HasSubstr("gateways.console and gateways.file are alternatives"));
}

TEST(ConfigParse, EmptyFileIsAllDefaultsButNeedsRedisUrl) {
  EXPECT_EQ(only_problem(" \n\t\n"), "redis.url: required (or set TOCSIN_REDIS_URL)");
}

// --- defaults ------------------------------------------------------------------------------

TEST(ConfigDefaults, FillsEveryDocumentedDefault) {
  Config config;
  config.add_gateways();
  apply_defaults(config);
  EXPECT_EQ(config.http().listen(), "127.0.0.1:8080");
  EXPECT_EQ(config.http().max_body_bytes(), 1048576);
  EXPECT_EQ(config.http().max_header_bytes(), 16384);
  EXPECT_EQ(config.http().request_timeout_ms(), 10000);
  EXPECT_EQ(config.http().idle_timeout_ms(), 30000);
  EXPECT_EQ(config.http().max_connections(), 1024);
  EXPECT_EQ(config.http().header_timeout_ms(), 5000);
  EXPECT_EQ(config.http().max_connections_per_client(), 64);
  EXPECT_EQ(config.http().public_url(), "http://127.0.0.1:8080");
  EXPECT_EQ(config.redis().connect_timeout_ms(), 2000);
  EXPECT_EQ(config.redis().health_check_interval_ms(), 1000);
  EXPECT_EQ(config.redis().command_timeout_ms(), 1500);
  EXPECT_EQ(config.redis().reconnect_min_delay_ms(), 100);
  EXPECT_EQ(config.redis().reconnect_max_delay_ms(), 2000);
  EXPECT_EQ(config.logging().level(), "info");
  EXPECT_EQ(config.logging().output(), "stderr");
  EXPECT_EQ(config.lifecycle().shutdown_grace_ms(), 10000);
  EXPECT_EQ(config.auth().token_ttl_days(), 0);
  EXPECT_EQ(config.auth().session_idle_minutes(), 720);
  EXPECT_EQ(config.auth().session_absolute_hours(), 168);
  EXPECT_EQ(config.gateways(0).rate_per_second(), 1);
  EXPECT_EQ(config.time_zone(), "America/Toronto");
  EXPECT_EQ(config.spool().directory(), "spool");
  EXPECT_EQ(config.spool().max_megabytes(), 256);
}

TEST(ConfigDefaults, ZeroTimeoutGetsItsDefault) {
  Config config = parse_text("redis { connect_timeout_ms: 0 }", "tocsin.conf");
  apply_defaults(config);
  EXPECT_EQ(config.redis().connect_timeout_ms(), 2000);
}

TEST(ConfigDefaults, KeepsValuesThatAreSet) {
  Config config =
      parse_text("redis { connect_timeout_ms: 50 } logging { level: \"debug\" }", "tocsin.conf");
  apply_defaults(config);
  EXPECT_EQ(config.redis().connect_timeout_ms(), 50);
  EXPECT_EQ(config.logging().level(), "debug");
}

TEST(ConfigDefaults, PublicUrlKeepsIpv6Brackets) {
  Config config = parse_text("http { listen: \"[::1]:9090\" }", "tocsin.conf");
  apply_defaults(config);
  EXPECT_EQ(config.http().public_url(), "http://[::1]:9090");
}

// --- environment ---------------------------------------------------------------------------

TEST(ConfigEnvironment, OverridesListenAndRedisUrl) {
  Config config =
      parse_text(R"(http { listen: "127.0.0.1:1" } redis { url: "redis://a" })", "tocsin.conf");
  apply_environment_overrides(
      config, fake_env({{"TOCSIN_LISTEN", "[::1]:7000"}, {"TOCSIN_REDIS_URL", "redis://b:1"}}));
  EXPECT_EQ(config.http().listen(), "[::1]:7000");
  EXPECT_EQ(config.redis().url(), "redis://b:1");
}

TEST(ConfigEnvironment, RedisUrlFromEnvironmentSatisfiesRequirement) {
  Config config = parse_text("", "tocsin.conf");
  apply_environment_overrides(config, fake_env({{"TOCSIN_REDIS_URL", "redis://127.0.0.1:6390"}}));
  apply_defaults(config);
  EXPECT_TRUE(validate(config).empty());
}

TEST(ConfigEnvironment, EmptyOrUnsetVariablesChangeNothing) {
  Config config =
      parse_text(R"(http { listen: "127.0.0.1:1" } redis { url: "redis://a" })", "tocsin.conf");
  apply_environment_overrides(config, fake_env({{"TOCSIN_LISTEN", ""}}));
  EXPECT_EQ(config.http().listen(), "127.0.0.1:1");
  EXPECT_EQ(config.redis().url(), "redis://a");
}

TEST(ConfigEnvironment, OverriddenListenFeedsDefaultPublicUrl) {
  Config config = parse_text(kMinimal, "tocsin.conf");
  apply_environment_overrides(config, fake_env({{"TOCSIN_LISTEN", "127.0.0.1:0"}}));
  apply_defaults(config);
  EXPECT_EQ(config.http().public_url(), "http://127.0.0.1:0");
  EXPECT_TRUE(validate(config).empty());
}

TEST(ConfigEnvironment, ProcessEnvironmentReadsRealVariables) {
  ::setenv("TOCSIN_CONFIG_TEST_VARIABLE", "value", 1);
  Environment env = process_environment();
  EXPECT_EQ(env("TOCSIN_CONFIG_TEST_VARIABLE"), "value");
  ::unsetenv("TOCSIN_CONFIG_TEST_VARIABLE");
  EXPECT_EQ(env("TOCSIN_CONFIG_TEST_VARIABLE"), std::nullopt);
}

// --- listen addresses ----------------------------------------------------------------------

TEST(ConfigListen, ParsesIpv4NameAndIpv6) {
  std::string error;
  auto v4 = parse_listen("127.0.0.1:8080", &error);
  ASSERT_TRUE(v4) << error;
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto name = parse_listen("localhost:0", &error);
  ASSERT_TRUE(name) << error;
  EXPECT_EQ(name->port, 0);
  auto v6 = parse_listen("[::1]:65535", &error);
  ASSERT_TRUE(v6) << error;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 65535);
}

TEST(ConfigListen, RejectsBadAddresses) {
  const std::map<std::string, std::string> cases = {
      {"8080", "expected host:port, got \"8080\""},
      {"127.0.0.1:70000", "port 70000 is out of range 0-65535"},
      {"127.0.0.1:99999999999999999999", "out of range 0-65535"},
      {"127.0.0.1:", "missing port"},
      {"127.0.0.1:-1", "is not a decimal number"},
      {"127.0.0.1:0x50", "is not a decimal number"},
      {":8080", "missing host"},
      {"::1:8080", "needs brackets"},
      {"[::1]8080", "expected [address]:port"},
      {"[::1:8080", "missing ']'"},
      {"[]:8080", "expected an IPv6 address"},
      {"local host:80", "invalid character"},
  };
  for (const auto& [text, expected] : cases) {
    std::string error;
    EXPECT_FALSE(parse_listen(text, &error)) << text;
    EXPECT_THAT(error, HasSubstr(expected)) << text;
  }
}

TEST(ConfigValidate, ListenPortOutOfRange) {
  EXPECT_EQ(only_problem(std::string(kMinimal) + R"( http { listen: "127.0.0.1:70000" })"),
            "http.listen: port 70000 is out of range 0-65535");
}

// --- validation ----------------------------------------------------------------------------

TEST(ConfigValidate, MinimalConfigIsValid) {
  EXPECT_THAT(problems_in(kMinimal), ::testing::IsEmpty());
}

TEST(ConfigValidate, NegativeTimeout) {
  EXPECT_EQ(only_problem(redis_with("connect_timeout_ms: -5")),
            "redis.connect_timeout_ms: must be between 10 and 600000 (milliseconds), got -5");
}

// --- redis.sentinel -------------------------------------------------------------------------

constexpr const char* kSentinel =
    R"(redis { sentinel { master_name: "tocsin" addresses: "10.0.0.11:26379" )"
    R"(addresses: "sentinel-2.example.org:26379" } })";

TEST(ConfigSentinel, SentinelsInsteadOfAUrlAreValidAndWaitForOneReplica) {
  EXPECT_THAT(problems_in(kSentinel), ::testing::IsEmpty());
  Config config = parse_text(kSentinel, "tocsin.conf");
  apply_defaults(config);
  EXPECT_EQ(config.redis().wait_replicas(), 1);
  EXPECT_EQ(config.redis().wait_timeout_ms(), 1000);
  EXPECT_THAT(requirements(config, fake_env()), ::testing::IsEmpty());
  Config plain = parse_text(kMinimal, "tocsin.conf");
  apply_defaults(plain);
  EXPECT_EQ(plain.redis().wait_replicas(), 0) << "no replica to wait for without Sentinel";
}

TEST(ConfigSentinel, AUrlBesideTheSentinelsIsRefused) {
  EXPECT_EQ(only_problem(R"(redis { url: "redis://127.0.0.1:6379" sentinel { master_name: "t" )"
                         R"(addresses: "127.0.0.1:26379" } })"),
            "redis.url: leave it out with redis.sentinel: the sentinels say where the master is "
            "(or unset TOCSIN_REDIS_URL)");
}

TEST(ConfigSentinel, AMasterNameAndSentinelsWithPortsAreRequired) {
  EXPECT_THAT(
      problems_in("redis { sentinel { } }"),
      ::testing::ElementsAre(
          "redis.sentinel.master_name: required: the name in the sentinels' \"sentinel "
          "monitor\" line",
          "redis.sentinel.addresses: at least one \"host:port\" of a sentinel is required"));
  EXPECT_EQ(only_problem(R"(redis { sentinel { master_name: "t" addresses: "10.0.0.11" } })"),
            "redis.sentinel.addresses[0]: expected host:port, got \"10.0.0.11\"");
  EXPECT_EQ(only_problem(R"(redis { sentinel { master_name: "t" addresses: "10.0.0.11:0" } })"),
            "redis.sentinel.addresses[0]: needs a port (Sentinel's is usually 26379)");
  EXPECT_EQ(only_problem(R"(redis { sentinel { master_name: "my master" addresses: "h:1" } })"),
            "redis.sentinel.master_name: must not contain spaces");
  EXPECT_EQ(only_problem(redis_with("wait_replicas: 17")),
            "redis.wait_replicas: must be between 0 and 16 (replicas), got 17");
}

// --- redis.cluster --------------------------------------------------------------------------

constexpr const char* kCluster =
    R"(redis { cluster { addresses: "10.0.0.21:6379" addresses: "redis-2.example.org:6379" } })";

TEST(ConfigCluster, ClusterNodesInsteadOfAUrlAreValidAndWaitForOneReplica) {
  EXPECT_THAT(problems_in(kCluster), ::testing::IsEmpty());
  Config config = parse_text(kCluster, "tocsin.conf");
  apply_defaults(config);
  EXPECT_EQ(config.redis().wait_replicas(), 1);
  EXPECT_THAT(requirements(config, fake_env()), ::testing::IsEmpty());
}

TEST(ConfigCluster, AUrlOrSentinelsBesideTheClusterAreRefused) {
  EXPECT_EQ(only_problem(R"(redis { url: "redis://127.0.0.1:6379" cluster { )"
                         R"(addresses: "127.0.0.1:7000" } })"),
            "redis.url: leave it out with redis.cluster: the cluster's nodes say where each key "
            "is (or unset TOCSIN_REDIS_URL)");
  EXPECT_EQ(only_problem(R"(redis { cluster { addresses: "127.0.0.1:7000" } sentinel { )"
                         R"(master_name: "t" addresses: "127.0.0.1:26379" } })"),
            "redis.sentinel: leave it out with redis.cluster: a cluster fails its masters over "
            "itself, without Sentinel");
}

TEST(ConfigCluster, NodesWithPortsAreRequired) {
  EXPECT_EQ(only_problem("redis { cluster { } }"),
            "redis.cluster.addresses: at least one \"host:port\" of a cluster node is required");
  EXPECT_EQ(only_problem(R"(redis { cluster { addresses: "10.0.0.21" } })"),
            "redis.cluster.addresses[0]: expected host:port, got \"10.0.0.21\"");
  EXPECT_EQ(only_problem(R"(redis { cluster { addresses: "h:1" addresses: "10.0.0.21:0" } })"),
            "redis.cluster.addresses[1]: needs a port (a node's is usually 6379)");
}

TEST(ConfigValidate, SpoolSizeOutOfRange) {
  EXPECT_EQ(only_problem(std::string(kMinimal) + " spool { max_megabytes: 65537 }"),
            "spool.max_megabytes: must be between 1 and 65536 (MiB), got 65537");
  EXPECT_EQ(only_problem(std::string(kMinimal) + " spool { max_megabytes: -1 }"),
            "spool.max_megabytes: must be between 1 and 65536 (MiB), got -1");
  EXPECT_THAT(problems_in(std::string(kMinimal) + R"( spool { directory: "/srv/tocsin/spool" })"),
              ::testing::IsEmpty());
}

TEST(ConfigValidate, TooLargeValues) {
  EXPECT_EQ(only_problem(std::string(kMinimal) + " http { max_body_bytes: 268435457 }"),
            "http.max_body_bytes: must be between 1 and 268435456 (bytes), got 268435457");
  EXPECT_EQ(only_problem(std::string(kMinimal) + " auth { token_ttl_days: 3651 }"),
            "auth.token_ttl_days: must be between 0 and 3650 (days), got 3651");
  EXPECT_EQ(only_problem(std::string(kMinimal) + " auth { session_idle_minutes: 4 }"),
            "auth.session_idle_minutes: must be between 5 and 43200 (minutes), got 4");
  EXPECT_EQ(only_problem(std::string(kMinimal) + " auth { session_absolute_hours: 8761 }"),
            "auth.session_absolute_hours: must be between 1 and 8760 (hours), got 8761");
  EXPECT_EQ(only_problem(std::string(kMinimal) + " auth { session_idle_minutes: 20000 }"),
            "auth.session_idle_minutes: must be at most auth.session_absolute_hours (168 hours "
            "= 10080 minutes), got 20000");
  EXPECT_EQ(only_problem(std::string(kMinimal) + " http { max_header_bytes: 100 }"),
            "http.max_header_bytes: must be between 1024 and 1048576 (bytes), got 100");
}

TEST(ConfigValidate, ZeroMeansDefaultWithoutApplyDefaults) {
  Config config = parse_text(kMinimal, "tocsin.conf");
  config.add_gateways()->set_name("a");
  config.mutable_gateways(0)->mutable_console()->set_channel("sms");
  EXPECT_TRUE(validate(config).empty());
}

TEST(ConfigDefaults, HeaderTimeoutFollowsAShorterRequestTimeout) {
  Config config = parse_text(std::string(kMinimal) + " http { request_timeout_ms: 500 }", "t");
  apply_defaults(config);
  EXPECT_EQ(config.http().header_timeout_ms(), 500);
  EXPECT_TRUE(validate(config).empty()) << "a config valid before header_timeout_ms still is";
}

TEST(ConfigValidate, HeaderTimeoutAndPerClientCap) {
  EXPECT_EQ(only_problem(std::string(kMinimal) + " http { header_timeout_ms: 50 }"),
            "http.header_timeout_ms: must be between 100 and 600000 (milliseconds), got 50");
  EXPECT_EQ(only_problem(std::string(kMinimal) + " http { header_timeout_ms: 700000 }"),
            "http.header_timeout_ms: must be between 100 and 600000 (milliseconds), got 700000");
  EXPECT_EQ(only_problem(std::string(kMinimal) +
                         " http { request_timeout_ms: 2000 header_timeout_ms: 3000 }"),
            "http.header_timeout_ms: must be at most request_timeout_ms (2000 milliseconds), "
            "got 3000");
  EXPECT_EQ(only_problem(std::string(kMinimal) + " http { header_timeout_ms: 20000 }"),
            "http.header_timeout_ms: must be at most request_timeout_ms (10000 milliseconds), "
            "got 20000")
      << "against the default request_timeout_ms";
  EXPECT_EQ(only_problem(std::string(kMinimal) + " http { request_timeout_ms: 50 }"),
            "http.request_timeout_ms: must be between 100 and 600000 (milliseconds), got 50")
      << "reported once, not again through the header timeout";
  EXPECT_THAT(problems_in(std::string(kMinimal) +
                          " http { request_timeout_ms: 2000 header_timeout_ms: 2000 }"),
              ::testing::IsEmpty());
  EXPECT_EQ(only_problem(std::string(kMinimal) + " http { max_connections_per_client: -1 }"),
            "http.max_connections_per_client: must be between 1 and 100000 (connections), got -1");
  EXPECT_EQ(only_problem(std::string(kMinimal) + " http { max_connections_per_client: 100001 }"),
            "http.max_connections_per_client: must be between 1 and 100000 (connections), got "
            "100001");
}

TEST(ConfigValidate, ReconnectMaxBelowMin) {
  EXPECT_EQ(only_problem(redis_with("reconnect_min_delay_ms: 5000")),
            "redis.reconnect_max_delay_ms: must be at least reconnect_min_delay_ms (5000 "
            "milliseconds), got 2000");
}

TEST(ConfigValidate, MissingRedisUrl) {
  EXPECT_EQ(only_problem(""), "redis.url: required (or set TOCSIN_REDIS_URL)");
}

TEST(ConfigValidate, BadRedisUrlUsesParserReason) {
  EXPECT_EQ(only_problem(R"(redis { url: "http://127.0.0.1" })"),
            "redis.url: Redis URL must start with redis:// or unix://");
}

TEST(ConfigValidate, BadLoggingLevel) {
  EXPECT_EQ(only_problem(std::string(kMinimal) + R"( logging { level: "loud" })"),
            "logging.level: unknown level \"loud\"; expected one of trace, debug, info, warn, "
            "error, critical, off");
}

TEST(ConfigValidate, LoggingOutputCannotBeADirectory) {
  EXPECT_THAT(only_problem(std::string(kMinimal) + R"( logging { output: "/var/log/" })"),
              HasSubstr("logging.output: "));
}

TEST(ConfigValidate, BadTimeZone) {
  for (const char* zone : {"Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime",
                           "America/../America/Toronto", "zone.tab", "America"}) {
    EXPECT_THAT(only_problem(std::string(kMinimal) + " time_zone: \"" + zone + "\""),
                HasSubstr("time_zone: unknown time zone"))
        << zone;
  }
}

TEST(ConfigValidate, RealTimeZones) {
  for (const char* zone : {"America/Toronto", "Europe/Paris", "UTC", "Etc/GMT+5"}) {
    EXPECT_THAT(problems_in(std::string(kMinimal) + " time_zone: \"" + zone + "\""),
                ::testing::IsEmpty())
        << zone;
  }
}

TEST(ConfigValidate, PublicUrl) {
  const std::map<std::string, std::string> bad = {
      {"https://tocsin.example.org/app", "must not have a path"},
      {"ftp://tocsin.example.org", "scheme must be http or https"},
      {"tocsin.example.org", "expected http(s)://host[:port]"},
      {"https://tocsin.example.org?x=1", "must not have a query"},
      {"https://user:pw@tocsin.example.org", "must not contain a user name or password"},
      {"https://tocsin.example.org:99999", "expected http(s)://host[:port]"},
  };
  for (const auto& [url, expected] : bad) {
    std::string problem =
        only_problem(std::string(kMinimal) + " http { public_url: \"" + url + "\" }");
    EXPECT_THAT(problem, HasSubstr("http.public_url: " + expected)) << url;
  }
  for (const char* url : {"https://tocsin.example.org", "https://tocsin.example.org/",
                          "http://[::1]:8080", "http://127.0.0.1:8080"}) {
    EXPECT_THAT(problems_in(std::string(kMinimal) + " http { public_url: \"" + url + "\" }"),
                ::testing::IsEmpty())
        << url;
  }
}

TEST(ConfigValidate, BadListenIsNotReportedTwiceThroughDefaultPublicUrl) {
  EXPECT_EQ(only_problem(std::string(kMinimal) + R"( http { listen: "a b:1" })"),
            "http.listen: invalid character in host \"a b\"");
}

// --- gateways ------------------------------------------------------------------------------

TEST(ConfigGateways, DuplicateNames) {
  EXPECT_EQ(only_problem(std::string(kMinimal) + R"(
    gateways { name: "sms" console { channel: "sms" } }
    gateways { name: "sms" console { channel: "sms" } })"),
            "gateways[1].name: duplicate name \"sms\"; gateways[0] has it too");
}

TEST(ConfigGateways, NameRequiredAndShaped) {
  EXPECT_THAT(only_problem(std::string(kMinimal) + R"( gateways { console { channel: "sms" } })"),
              HasSubstr("gateways[0].name: required"));
  EXPECT_THAT(only_problem(std::string(kMinimal) +
                           R"( gateways { name: "Big SMS" console { channel: "sms" } })"),
              HasSubstr("gateways[0].name: \"Big SMS\" must be 1 to 32 characters"));
  EXPECT_THAT(only_problem(std::string(kMinimal) + " gateways { name: \"" + std::string(33, 'a') +
                           "\" console { channel: \"sms\" } }"),
              HasSubstr("gateways[0].name:"));
}

TEST(ConfigGateways, WithoutType) {
  EXPECT_EQ(
      only_problem(std::string(kMinimal) + R"( gateways { name: "x" })"),
      "gateways[0]: no gateway type set; expected one of console, file, twilio, kannel, smtp");
}

TEST(ConfigGateways, BadChannel) {
  EXPECT_EQ(
      only_problem(std::string(kMinimal) + R"( gateways { name: "x" console { channel: "fax" } })"),
      "gateways[0].console.channel: unknown channel \"fax\"; expected sms or email");
  EXPECT_EQ(only_problem(std::string(kMinimal) + R"( gateways { name: "x" console {} })"),
            "gateways[0].console.channel: required; expected sms or email");
}

TEST(ConfigGateways, FilePathRequired) {
  EXPECT_EQ(
      only_problem(std::string(kMinimal) + R"( gateways { name: "x" file { channel: "sms" } })"),
      "gateways[0].file.path: required");
}

TEST(ConfigGateways, RateMustBePositiveFiniteAndBounded) {
  for (const char* rate : {"-1", "1000001", "nan", "inf", "-inf"}) {
    EXPECT_THAT(
        only_problem(std::string(kMinimal) + " gateways { name: \"x\" rate_per_second: " + rate +
                     " console { channel: \"sms\" } }"),
        HasSubstr("gateways[0].rate_per_second: must be greater than 0 and at most 1000000"))
        << rate;
  }
  EXPECT_THAT(
      problems_in(std::string(kMinimal) +
                  R"( gateways { name: "x" rate_per_second: 0.5 console { channel: "sms" } })"),
      ::testing::IsEmpty());
}

TEST(ConfigGateways, ConcurrencyIsBounded) {
  EXPECT_EQ(
      only_problem(std::string(kMinimal) +
                   R"( gateways { name: "x" max_concurrency: 1001 console { channel: "sms" } })"),
      "gateways[0].max_concurrency: must be between 1 and 1000 (requests), got 1001");
}

TEST(ConfigAlerts, ApprovalThresholdAndPricesAreChecked) {
  EXPECT_EQ(only_problem(std::string(kMinimal) + " alerts { approval_threshold: -3 }"),
            "alerts.approval_threshold: must be between 1 and 10000000 (members), got -3");
  EXPECT_THAT(only_problem(std::string(kMinimal) + " alerts { sms_cents_per_segment: -1 }"),
              HasSubstr("alerts.sms_cents_per_segment: must be greater than 0"));
}

TEST(ConfigDefaults, NoGatewaysMeansConsoleGatewaysForBothChannels) {
  Config config = parse_text(kMinimal, "tocsin.conf");
  apply_defaults(config);
  ASSERT_EQ(config.gateways_size(), 2);
  EXPECT_EQ(config.gateways(0).name(), "console-sms");
  EXPECT_EQ(config.gateways(0).console().channel(), "sms");
  EXPECT_EQ(config.gateways(1).console().channel(), "email");
  EXPECT_EQ(config.gateways(1).rate_per_second(), 20);
  EXPECT_THAT(validate(config), ::testing::IsEmpty());
}

TEST(ConfigAlerts, DefaultsApply) {
  Config config = parse_text(kMinimal, "tocsin.conf");
  apply_defaults(config);
  EXPECT_EQ(config.alerts().approval_threshold(), 500);
  EXPECT_DOUBLE_EQ(config.alerts().sms_cents_per_segment(), 0.79);
  EXPECT_EQ(config.dispatch().job_size(), 50);
  EXPECT_EQ(config.dispatch().max_in_flight(), 256);
  EXPECT_EQ(config.dispatch().claim_idle_ms(), 30000);
  EXPECT_EQ(config.dispatch().freeze_slice(), 1000);
  EXPECT_EQ(config.dispatch().queue_slice(), 5);
  EXPECT_FALSE(config.dispatch().consumer_name().empty()) << "the host name";
}

TEST(ConfigDispatch, ConsumerNameAndLimitsAreChecked) {
  EXPECT_EQ(
      only_problem(std::string(kMinimal) + R"( dispatch { consumer_name: "a b" })"),
      "dispatch.consumer_name: must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'");
  EXPECT_EQ(only_problem(std::string(kMinimal) + " dispatch { claim_idle_ms: 10 }"),
            "dispatch.claim_idle_ms: must be between 1000 and 3600000 (milliseconds), got 10");
  EXPECT_EQ(only_problem(std::string(kMinimal) + " dispatch { freeze_slice: 5000 }"),
            "dispatch.freeze_slice: must be between 10 and 1000 (members), got 5000");
  EXPECT_EQ(only_problem(std::string(kMinimal) + " dispatch { queue_slice: 101 }"),
            "dispatch.queue_slice: must be between 1 and 100 (jobs), got 101");
}

TEST(ConfigValidate, CollectsSeveralProblemsInFieldOrder) {
  std::vector<std::string> problems = problems_in(R"(
    http { listen: "127.0.0.1:70000" }
    redis { connect_timeout_ms: -5 }
    logging { level: "loud" }
    gateways { name: "x" }
    time_zone: "Nowhere/Land"
  )");
  ASSERT_EQ(problems.size(), 6u) << ::testing::PrintToString(problems);
  EXPECT_THAT(problems[0], HasSubstr("http.listen:"));
  EXPECT_THAT(problems[1], HasSubstr("redis.url:"));
  EXPECT_THAT(problems[2], HasSubstr("redis.connect_timeout_ms:"));
  EXPECT_THAT(problems[3], HasSubstr("logging.level:"));
  EXPECT_THAT(problems[4], HasSubstr("gateways[0]:"));
  EXPECT_THAT(problems[5], HasSubstr("time_zone:"));
}

// --- secrets -------------------------------------------------------------------------------

TEST(ConfigSecret, ValidateChecksSource) {
  EXPECT_EQ(only_problem(redis_with("password {}")),
            "redis.password: no source set; expected one of env, file, credential, inline");
  EXPECT_THAT(only_problem(redis_with(R"(password { env: "1BAD-NAME" })")),
              HasSubstr("redis.password.env: \"1BAD-NAME\" is not a valid environment variable"));
  EXPECT_EQ(only_problem(redis_with(R"(password { file: "" })")),
            "redis.password.file: required (a path)");
  EXPECT_THAT(only_problem(redis_with(R"(password { credential: "../etc/shadow" })")),
              HasSubstr("redis.password.credential: must be a plain credential name"));
}

TEST(ConfigSecret, FromEnvironment) {
  Secret secret;
  secret.set_env("TOCSIN_REDIS_PASSWORD");
  EXPECT_EQ(resolve_secret(secret, "redis.password", fake_env({{"TOCSIN_REDIS_PASSWORD", "s3"}})),
            "s3");
}

TEST(ConfigSecret, FromEnvironmentUnsetOrEmpty) {
  Secret secret;
  secret.set_env("TOCSIN_REDIS_PASSWORD");
  EXPECT_EQ(secret_error(secret, fake_env()),
            "redis.password: environment variable TOCSIN_REDIS_PASSWORD is not set");
  EXPECT_EQ(secret_error(secret, fake_env({{"TOCSIN_REDIS_PASSWORD", ""}})),
            "redis.password: environment variable TOCSIN_REDIS_PASSWORD is empty");
}

TEST(ConfigSecret, FromFileStripsOneTrailingNewline) {
  TempDir dir;
  Secret secret;
  secret.set_file(dir.write("unix", "pw\n\n").string());
  EXPECT_EQ(resolve_secret(secret, "redis.password", fake_env()), "pw\n");
  secret.set_file(dir.write("dos", "pw\r\n").string());
  EXPECT_EQ(resolve_secret(secret, "redis.password", fake_env()), "pw");
  secret.set_file(dir.write("bare", "pw").string());
  EXPECT_EQ(resolve_secret(secret, "redis.password", fake_env()), "pw");
}

TEST(ConfigSecret, FromFileMissingOrEmpty) {
  TempDir dir;
  Secret secret;
  secret.set_file((dir.path() / "absent").string());
  std::string error = secret_error(secret, fake_env());
  EXPECT_THAT(error, HasSubstr((dir.path() / "absent").string()));
  EXPECT_THAT(error, HasSubstr("No such file or directory"));
  secret.set_file(dir.write("empty", "\n").string());
  EXPECT_THAT(secret_error(secret, fake_env()), HasSubstr("is empty"));
}

TEST(ConfigSecret, FromCredential) {
  TempDir dir;
  dir.write("redis-password", "from-systemd\n");
  Secret secret;
  secret.set_credential("redis-password");
  EXPECT_EQ(resolve_secret(secret, "redis.password",
                           fake_env({{"CREDENTIALS_DIRECTORY", dir.path().string()}})),
            "from-systemd");
}

TEST(ConfigSecret, FromCredentialFailures) {
  TempDir dir;
  Secret secret;
  secret.set_credential("redis-password");
  EXPECT_THAT(secret_error(secret, fake_env()),
              HasSubstr("not running under systemd LoadCredential="));
  std::string error =
      secret_error(secret, fake_env({{"CREDENTIALS_DIRECTORY", dir.path().string()}}));
  EXPECT_THAT(error, HasSubstr("redis-password"));
  EXPECT_THAT(error, HasSubstr("No such file or directory"));
}

TEST(ConfigSecret, Inline) {
  Secret secret;
  secret.set_inline_("dev-only");
  EXPECT_EQ(resolve_secret(secret, "redis.password", fake_env()), "dev-only");
  secret.set_inline_("");
  EXPECT_THAT(secret_error(secret, fake_env()), HasSubstr("empty"));
}

TEST(ConfigSecret, WithoutSource) {
  EXPECT_THAT(secret_error(Secret(), fake_env()), HasSubstr("no source set"));
}

// --- load ----------------------------------------------------------------------------------

TEST(ConfigLoad, ReadsOverridesDefaultsAndValidates) {
  TempDir dir;
  fs::path file = dir.write("tocsin.conf", "logging { level: \"debug\" }\n");
  Config config = load(file, fake_env({{"TOCSIN_REDIS_URL", "redis://127.0.0.1:6390"}}));
  EXPECT_EQ(config.redis().url(), "redis://127.0.0.1:6390");
  EXPECT_EQ(config.logging().level(), "debug");
  EXPECT_EQ(config.http().listen(), "127.0.0.1:8080");
}

TEST(ConfigLoad, UnreadableFile) {
  TempDir dir;
  fs::path missing = dir.path() / "absent.conf";
  try {
    load(missing, fake_env());
    FAIL() << "loaded a missing file";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.field(), missing.string());
    EXPECT_EQ(std::string(error.what()),
              missing.string() + ": cannot read: No such file or directory");
  }
  EXPECT_THROW(load(dir.path(), fake_env()), ConfigError);  // a directory
}

TEST(ConfigLoad, ParseErrorNamesThePath) {
  TempDir dir;
  fs::path file = dir.write("tocsin.conf", "\nredis { uri: \"x\" }\n");
  try {
    load(file, fake_env());
    FAIL() << "loaded an unknown field";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), (file.string() + ":2:9: \"uri\" is not a field of redis { … }: did "
                                                "you mean \"url\"?")
                                   .c_str());
  }
}

TEST(ConfigLoad, ThrowsFirstProblem) {
  TempDir dir;
  fs::path file = dir.write("tocsin.conf", "logging { level: \"loud\" }\n");
  try {
    load(file, fake_env());
    FAIL() << "loaded an invalid config";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.field(), "redis.url");
  }
}

TEST(ConfigLoad, MissingSecretFailsAtLoad) {
  TempDir dir;
  fs::path file = dir.write("tocsin.conf", R"(redis { url: "redis://127.0.0.1"
                                                      password { env: "TOCSIN_PW" } })");
  try {
    load(file, fake_env());
    FAIL() << "loaded without its secret";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "redis.password: environment variable TOCSIN_PW is not set");
  }
  EXPECT_NO_THROW(load(file, fake_env({{"TOCSIN_PW", "x"}})));
}

// --- the example configs -------------------------------------------------------------------

TEST(ConfigExamples, DevelopmentExampleIsValidWithRedisUrlFromEnvironment) {
  fs::path file = fs::path(TOCSIN_SOURCE_DIR) / "config" / "tocsin.example.conf";
  Config config = load(file, fake_env({{"TOCSIN_REDIS_URL", "redis://127.0.0.1:6390"}}));
  EXPECT_EQ(config.http().listen(), "127.0.0.1:8080");
  ASSERT_EQ(config.gateways_size(), 2);
  EXPECT_EQ(config.gateways(0).console().channel(), "sms");
  EXPECT_EQ(config.gateways(1).file().channel(), "email");
  EXPECT_EQ(config.gateways(1).file().path(), "var/outbox/email.jsonl");
  // Without the variable the file alone lacks the Redis address, on purpose.
  EXPECT_THROW(load(file, fake_env()), ConfigError);
}

TEST(ConfigExamples, ProductionExampleIsValidWithItsCredential) {
  fs::path file = fs::path(TOCSIN_SOURCE_DIR) / "config" / "tocsin.production.conf";
  TempDir credentials;
  for (const char* name : {"redis-password", "twilio-auth-token", "kannel-password",
                           "kannel-webhook-secret", "smtp-password"}) {
    credentials.write(name, "secret-of-" + std::string(name) + "\n");
  }
  const auto env = fake_env({{"CREDENTIALS_DIRECTORY", credentials.path().string()}});
  Config config = load(file, env);
  EXPECT_EQ(config.redis().url(), "unix:///run/redis/redis-server.sock");
  EXPECT_EQ(config.http().public_url(), "https://tocsin.example.org");
  EXPECT_EQ(config.redis().password().credential(), "redis-password");
  // Its gateways build, as --check-config would check them. Gateway secrets are read from
  // the process's environment, as systemd hands it over.
  ::setenv("CREDENTIALS_DIRECTORY", credentials.path().c_str(), 1);
  adapters::GatewayRegistry registry;
  adapters::register_builtin_gateways(registry);
  std::vector<std::string> errors;
  const auto gateways = registry.build_all(config, &errors);
  EXPECT_TRUE(errors.empty()) << errors[0];
  ASSERT_EQ(gateways.size(), 3u);
  EXPECT_EQ(gateways[0]->type(), "twilio");
  EXPECT_EQ(gateways[1]->type(), "kannel");
  EXPECT_EQ(gateways[2]->type(), "smtp");
  ::unsetenv("CREDENTIALS_DIRECTORY");
}

// --- what a config leaves to the machine ----------------------------------------------------

TEST(ConfigRequirements, ListsEverySecretWithItsSourceAndWhetherItIsReadable) {
  TempDir dir;
  const fs::path token = dir.write("token", "t0ken\n");
  Config config = parse_text(R"(
    redis { url: "redis://h" password { env: "REDIS_PW" } }
    gateways { name: "t" twilio { account_sid: "AC1" from: "+15145550100"
                                  auth_token { file: ")" +
                                 token.string() + R"(" } } }
    gateways { name: "k" kannel { sendsms_url: "http://h/" username: "u"
                                  password { credential: "kannel-password" }
                                  webhook_secret { inline: "in-the-file" } } }
  )",
                             "tocsin.conf");
  const auto listed = requirements(config, fake_env());
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].field, "redis.password");
  EXPECT_EQ(listed[0].source, "environment variable REDIS_PW");
  EXPECT_EQ(listed[0].missing, "environment variable REDIS_PW is not set");
  EXPECT_EQ(listed[1].field, "gateways[0].twilio.auth_token");
  EXPECT_EQ(listed[1].source, "file " + token.string());
  EXPECT_EQ(listed[1].missing, "");
  EXPECT_EQ(listed[2].field, "gateways[1].kannel.password");
  EXPECT_EQ(listed[2].source, "systemd credential \"kannel-password\"");
  EXPECT_EQ(
      listed[2].missing,
      "given by systemd at start (LoadCredentialEncrypted=kannel-password), not checked here");

  // Under systemd the credential is there to be read.
  dir.write("kannel-password", "pw");
  const auto under_systemd = requirements(
      config, fake_env({{"CREDENTIALS_DIRECTORY", dir.path().string()}, {"REDIS_PW", "x"}}));
  EXPECT_EQ(under_systemd[0].missing, "");
  EXPECT_EQ(under_systemd[2].missing, "");
}

TEST(ConfigRequirements, ARedisUrlLeftToTheEnvironmentIsOne) {
  const auto listed = requirements(parse_text("", "tocsin.conf"), fake_env());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].field, "redis.url");
  EXPECT_EQ(listed[0].source, "environment variable TOCSIN_REDIS_URL (the file names no Redis)");
  EXPECT_TRUE(requirements(parse_text(kMinimal, "tocsin.conf"), fake_env()).empty());
}

}  // namespace
}  // namespace tocsin::config
