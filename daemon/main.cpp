// tocsind: parse flags, load the config, run the app; app/ wires and orders the services,
// so this file stays tiny. Every way it can fail to start ends in one line on stderr and
// exit 2 (the config or the command line) or 1 (anything else: a busy port, an unexpected
// error), never an abort.

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "app/app.h"
#include "app/check_config.h"
#include "app/gateways.h"
#include "config/config.h"
#include "config/read_file.h"
#include "log/log.h"
#include "util/control_characters.h"
#include "util/version.h"

namespace {

constexpr int exit_failure = 1;
constexpr int exit_bad_input = 2;

namespace config = tocsin::config;

// --print-redis-url, for the run script: may the config name no Redis? Parse only.
int print_redis_url(const std::string& path, const config::Environment& env) {
  std::string text;
  std::string error;
  if (!config::read_small_file(path, &text, &error)) {
    throw config::ConfigError(path, "cannot read: " + error);
  }
  auto parsed = config::parse_text(text, path);
  config::apply_environment_overrides(parsed, env);
  // With Sentinel or a cluster there is no one URL; what is printed only tells the script "not
  // empty".
  if (parsed.redis().has_cluster()) {
    std::cout << "cluster\n";
  } else if (parsed.redis().has_sentinel()) {
    std::cout << "sentinel:" << parsed.redis().sentinel().master_name() << "\n";
  } else {
    std::cout << parsed.redis().url() << "\n";
  }
  return 0;
}

int run(int argc, char** argv) {
  CLI::App cli{"tocsind: the Tocsin daemon (mass mobilization by SMS and email)", "tocsind"};
  std::string config_path;
  bool check_only = false;
  bool print_url = false;
  std::string bootstrap_name;
  cli.add_option("--config", config_path, "config file (protobuf text format)")->required();
  cli.add_flag("--check-config", check_only,
               "check the config, print what is wrong or the secrets it will need, exit");
  cli.add_option("--bootstrap-admin", bootstrap_name,
                 "create the first admin token with this name, print it, exit");
  cli.add_flag("--print-redis-url", print_url,
               "print the Redis URL the config resolves to (empty if none), exit");
  cli.set_version_flag("--version", std::string(tocsin::version()));
  tocsin::app::DaemonOptions daemon_options;
  // Hidden (empty group): for tests only, never in the help of an operator's tool.
  cli.add_flag("--test-clock", daemon_options.test_clock,
               "the daemon's time follows the Redis key test:clock_offset_ms")
      ->group("");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? 0 : exit_bad_input;
  }

  const auto env = config::process_environment();
  if (print_url) return print_redis_url(config_path, env);
  if (check_only) return tocsin::app::check_config(config_path, env, std::cout, std::cerr);

  // Throws ConfigError for the first problem, a secret that cannot be read included.
  const config::Config loaded = config::load(config_path, env);
  {
    // The daemon never runs with some of its gateways missing.
    std::vector<std::string> problems;
    tocsin::app::build_gateways(loaded, &problems);
    for (const std::string& problem : problems) {
      tocsin::log::print_error("tocsind: " + config_path + ": " + problem);
    }
    if (!problems.empty()) return exit_bad_input;
  }
  try {
    tocsin::log::setup(loaded.logging());
  } catch (const std::exception& e) {
    throw config::ConfigError("logging.output", std::string("cannot open: ") + e.what());
  }
  if (!bootstrap_name.empty()) {
    // As POST /v1/tokens checks a name: it is printed wherever its holder acts.
    if (const auto found = tocsin::find_control_character(bootstrap_name)) {
      std::cerr << "tocsind: --bootstrap-admin: the name " << tocsin::describe(*found) << "\n";
      return exit_bad_input;
    }
    return tocsin::app::bootstrap_admin(loaded, bootstrap_name);
  }
  return tocsin::app::run_daemon(loaded, daemon_options);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const config::ConfigError& e) {
    tocsin::log::print_error(std::string("tocsind: ") + e.what());
    return exit_bad_input;
  } catch (const std::exception& e) {
    tocsin::log::print_error(std::string("tocsind: stopped by an unexpected error: ") + e.what());
    return exit_failure;
  }
}
