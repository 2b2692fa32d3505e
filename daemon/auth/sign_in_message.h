#pragma once
// The words of the message that carries a sign-in code, in French or English. Pure.

#include <string>
#include <string_view>

namespace tocsin::auth {

struct SignInMessage {
  std::string text;     // the SMS, or the email's plain text
  std::string subject;  // the email's subject
};

// `language` "en" for English; anything else gets French (the union's first language).
SignInMessage sign_in_message(std::string_view code, std::string_view language);

}  // namespace tocsin::auth
