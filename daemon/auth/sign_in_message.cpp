#include "auth/sign_in_message.h"

namespace tocsin::auth {

SignInMessage sign_in_message(std::string_view code, std::string_view language) {
  const std::string digits(code);
  if (language == "en") {
    return {"Tocsin: your sign-in code is " + digits +
                ". It works once, for 10 minutes. Never give it to anyone.",
            "Your Tocsin sign-in code"};
  }
  return {"Tocsin : votre code de connexion est " + digits +
              ". Il sert une fois, pendant 10 minutes. Ne le donnez à personne.",
          "Votre code de connexion Tocsin"};
}

}  // namespace tocsin::auth
