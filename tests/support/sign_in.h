#pragma once
// Signing a person in by code through the daemon's routes, for tests whose subject is what
// a signed-in page shows rather than the sign-in itself (that one is driven through the
// form: tests/browser/sign_in_by_code.mjs).

#include <functional>
#include <string>
#include <vector>

#include "tests/support/daemon_process.h"

namespace tocsin::testing {

// Creates the account `account_json` as `admin_token`, asks for a code for `address` (as
// the dashboard's page does) and signs in with it: the value of the session cookie.
// `texts_sent` returns the texts of the messages sent to that address so far, from
// wherever the test's gateway keeps them; the code is read from the newest one. A failed
// test, and "", when a step fails.
std::string session_by_code(const DaemonProcess& daemon, const std::string& admin_token,
                            const std::string& account_json, const std::string& address,
                            const std::function<std::vector<std::string>()>& texts_sent);

// The sign-in code in a message's text, or "".
std::string sign_in_code_in(const std::string& text);

}  // namespace tocsin::testing
