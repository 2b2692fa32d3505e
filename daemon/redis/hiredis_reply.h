#pragma once
// Copies a hiredis reply into our own Reply (see reply.h for why a copy is needed).

#include <hiredis/hiredis.h>

#include "redis/reply.h"

namespace tocsin::redis {

Reply copy_reply(const redisReply& reply);

}  // namespace tocsin::redis
