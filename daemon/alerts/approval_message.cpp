#include "alerts/approval_message.h"

namespace tocsin::alerts {

ApprovalMessage approval_message(std::string_view code, std::string_view title, int64_t members,
                                 std::string_view requester, std::string_view link) {
  const std::string what = std::string(code) + " \"" + std::string(title) + "\"";
  const std::string count = std::to_string(members);
  const std::string who(requester);
  ApprovalMessage message;
  message.text = "Tocsin : " + who + " demande votre approbation pour l'alerte " + what + " (" +
                 count + " membres). Voir et approuver (connexion requise) : " + std::string(link) +
                 "\n\nTocsin: " + who + " asks you to approve alert " + what + " (" + count +
                 " members). Review and approve (sign-in required) at " + "the link above.";
  message.subject = "Approbation demandée / Approval requested: " + what;
  return message;
}

}  // namespace tocsin::alerts
