// tocsind: parse flags, load the config, run the app (DESIGN.md: main stays tiny).

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/app.h"
#include "app/gateways.h"
#include "app/version.h"
#include "config/config.h"
#include "log/log.h"
#include "util/control_characters.h"

namespace {

constexpr int exit_bad_input = 2;

// --check-config lists every problem, not only the first one load() stops at.
void print_other_problems(const std::string& path, const tocsin::config::Environment& env,
                          const tocsin::config::ConfigError& first) {
  namespace config = tocsin::config;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  try {
    auto parsed = config::parse_text(text.str(), path);
    config::apply_environment_overrides(parsed, env);
    config::apply_defaults(parsed);
    for (const auto& problem : config::validate(parsed)) {
      if (std::string(problem.what()) != first.what()) {
        std::cerr << "tocsind: " << problem.what() << "\n";
      }
    }
  } catch (const config::ConfigError&) {
    // Unreadable or unparsable: the first error said it all.
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"tocsind: the Tocsin daemon (mass mobilization by SMS and email)", "tocsind"};
  std::string config_path;
  bool check_only = false;
  bool print_redis_url = false;
  std::string bootstrap_name;
  cli.add_option("--config", config_path, "config file (protobuf text format)")->required();
  cli.add_flag("--check-config", check_only, "validate the config, print what is wrong, exit");
  cli.add_option("--bootstrap-admin", bootstrap_name,
                 "create the first admin token with this name, print it, exit");
  cli.add_flag("--print-redis-url", print_redis_url,
               "print the Redis URL the config resolves to (empty if none), exit");
  cli.set_version_flag("--version", std::string(tocsin::app::version()));
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

  namespace config = tocsin::config;
  const auto env = config::process_environment();
  if (print_redis_url) {
    // For the README's run script: may the config name no Redis? Parse only.
    try {
      std::ifstream in(config_path);
      if (!in)
        throw config::ConfigError(config_path, "cannot read: " + std::string(std::strerror(errno)));
      std::stringstream text;
      text << in.rdbuf();
      auto parsed = config::parse_text(text.str(), config_path);
      config::apply_environment_overrides(parsed, env);
      std::cout << parsed.redis().url() << "\n";
      return 0;
    } catch (const config::ConfigError& e) {
      std::cerr << "tocsind: " << e.what() << "\n";
      return exit_bad_input;
    }
  }

  config::Config loaded;
  try {
    loaded = config::load(config_path, env);
  } catch (const config::ConfigError& e) {
    std::cerr << "tocsind: " << e.what() << "\n";
    if (check_only) print_other_problems(config_path, env, e);
    return exit_bad_input;
  }
  {
    // Building every gateway is part of checking the config: an adapter checks its own
    // fields, and the daemon never runs with some of its gateways missing.
    std::vector<std::string> problems;
    tocsin::app::build_gateways(loaded, &problems);
    for (const std::string& problem : problems) {
      std::cerr << "tocsind: " << config_path << ": " << problem << "\n";
    }
    if (!problems.empty()) return exit_bad_input;
  }
  if (check_only) {
    std::cout << "tocsind: " << config_path << " is valid\n";
    return 0;
  }

  try {
    tocsin::log::setup(loaded.logging());
  } catch (const std::exception& e) {
    std::cerr << "tocsind: logging.output: cannot open: " << e.what() << "\n";
    return exit_bad_input;
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
