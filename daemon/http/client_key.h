#pragma once
// The "client" a connection is counted against for http.max_connections_per_client: its
// IPv4 address (also when it reaches an IPv6 socket as ::ffff:a.b.c.d), or the /64 its
// IPv6 address belongs to, since one IPv6 host is usually handed a whole /64 and could
// otherwise open its connections from as many addresses as it likes.

#include <boost/asio/ip/address.hpp>

#include <string>

namespace tocsin::http {

std::string client_key(const boost::asio::ip::address& address);

}  // namespace tocsin::http
