#include "tests/support/test_certificate.h"

#include <chrono>
#include <stdexcept>
#include <string>

#include "tests/support/subprocess.h"

namespace tocsin::testing {

TestCertificate make_test_certificate(const std::filesystem::path& dir) {
  TestCertificate out{dir / "cert.pem", dir / "key.pem"};
  Subprocess openssl(
      {.argv = {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                out.private_key.string(), "-out", out.certificate.string()}});
  const auto code = openssl.wait_for_exit(std::chrono::seconds(30));
  if (code != 0 || !std::filesystem::exists(out.certificate)) {
    throw std::runtime_error("openssl req failed (" +
                             (code ? std::to_string(*code) : std::string("timed out")) +
                             "): " + openssl.stderr_text());
  }
  return out;
}

}  // namespace tocsin::testing
