#pragma once
// A self-signed certificate for 127.0.0.1, made by the openssl command for one test: the
// TLS servers of the email tests present it, and the client trusts it as its only CA
// (smtp.ca_file), so verification stays on exactly as in production.

#include <filesystem>

namespace tocsin::testing {

struct TestCertificate {
  std::filesystem::path certificate;  // PEM; also the CA file a client trusts
  std::filesystem::path private_key;  // PEM, unencrypted
};

// Writes cert.pem and key.pem into dir (RSA 2048, CN and subjectAltName IP 127.0.0.1,
// valid for a day). Throws std::runtime_error with openssl's output if it fails.
TestCertificate make_test_certificate(const std::filesystem::path& dir);

}  // namespace tocsin::testing
