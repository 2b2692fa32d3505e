#include "redis/cluster_resend.h"

namespace tocsin::redis {

bool is_redirection(const Reply& reply) {
  return reply.is_error() && (reply.str.starts_with("MOVED ") || reply.str.starts_with("ASK "));
}

bool is_try_again(const Reply& reply) {
  return reply.is_error() && reply.str.starts_with("TRYAGAIN");
}

bool is_cluster_down(const Reply& reply) {
  return reply.is_error() && reply.str.starts_with("CLUSTERDOWN");
}

Outgoing outgoing(const std::vector<Command>& group, const std::vector<size_t>& pending,
                  bool asking) {
  Outgoing out;
  bool in_transaction = false;
  for (size_t index : pending) {
    const Command& command = group[index];
    if (asking && !in_transaction) {
      out.commands.push_back(Command{"ASKING"});
      out.origin.push_back(kAsking);
    }
    if (command_is(command, "MULTI")) in_transaction = true;
    if (command_is(command, "EXEC") || command_is(command, "DISCARD")) in_transaction = false;
    out.commands.push_back(command);
    out.origin.push_back(index);
  }
  return out;
}

Verdict judge(const std::vector<Command>& group, const std::vector<size_t>& origin,
              const std::vector<Reply>& replies, const std::string& asked_host) {
  Verdict verdict;
  bool in_transaction = false;
  bool transaction_redirected = false;
  size_t transaction_start = 0;  // where the open transaction's indices begin in `again`
  for (size_t k = 0; k < replies.size() && k < origin.size(); ++k) {
    if (origin[k] == kAsking) continue;
    const size_t index = origin[k];
    const Reply& reply = replies[k];
    if (command_is(group[index], "MULTI")) {
      in_transaction = true;
      transaction_redirected = false;
      transaction_start = verdict.again.size();
    }
    if (is_cluster_down(reply)) verdict.cluster_down = true;
    const bool redirected = is_redirection(reply) || is_try_again(reply);
    if (redirected) {
      if (!verdict.redirection && is_redirection(reply)) {
        verdict.redirection = parse_redirection(reply.str, asked_host);
      }
      verdict.try_again = verdict.try_again || is_try_again(reply);
      if (in_transaction) transaction_redirected = true;
    }
    if (in_transaction) {
      verdict.again.push_back(index);  // kept until EXEC says whether the block goes again
      if (command_is(group[index], "EXEC") || command_is(group[index], "DISCARD")) {
        in_transaction = false;
        if (!transaction_redirected) verdict.again.resize(transaction_start);
      }
      continue;
    }
    if (redirected) verdict.again.push_back(index);
  }
  if (in_transaction && !transaction_redirected) verdict.again.resize(transaction_start);
  return verdict;
}

}  // namespace tocsin::redis
