#pragma once
// Drives a hiredis async context from an Asio event loop. hiredis ships no Asio adapter; it
// asks for readiness through five hooks in ac->ev (add/del read, add/del write, cleanup)
// and we answer by waiting on its socket with a stream_descriptor and calling
// redisAsyncHandleRead/Write.

#include <hiredis/async.h>

#include <boost/asio/any_io_executor.hpp>

#include <functional>

namespace tocsin::redis {

// Installs the hooks on a context fresh from redisAsyncConnect*, before any command or
// connect callback is set. on_cleanup runs from inside hiredis just before it frees the
// context (for any reason: an error, a disconnect, redisAsyncFree), while `ac` is still
// valid; it must not call back into hiredis. Returns false if hooks were already set.
bool attach_to_asio(redisAsyncContext* ac, const boost::asio::any_io_executor& executor,
                    std::function<void()> on_cleanup);

}  // namespace tocsin::redis
