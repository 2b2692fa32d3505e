#pragma once
// The check of an approval link's exp and sig on requests made from the console's approval
// page (alerts/approval_link.h): GET .../approval, :approve and :decline.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "http/message.h"

namespace tocsin::api {

struct Services;

// nullopt when the request carries no exp and no sig (the alert's own page), or when they
// are valid and the caller did not create the alert; otherwise the refusal: 410 for an
// expired link, 403 for a forged one or for the alert's creator. Reads only.
boost::asio::awaitable<std::optional<http::Response>> refuse_approval_link(Services& services,
                                                                           http::Request& request,
                                                                           std::string id);

}  // namespace tocsin::api
