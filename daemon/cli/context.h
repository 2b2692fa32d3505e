#pragma once
// What every command shares: where the daemon is, the token, and the output style.

#include <string>

namespace tocsin::cli {

struct Context {
  std::string url;    // --url, else $TOCSIN_URL, else http://127.0.0.1:8080
  std::string token;  // --token, else $TOCSIN_TOKEN
  bool json = false;  // --json: machine-readable output
};

}  // namespace tocsin::cli
