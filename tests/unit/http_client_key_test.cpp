#include "http/client_key.h"

#include <gtest/gtest.h>

namespace tocsin::http {
namespace {

using boost::asio::ip::make_address;

TEST(ClientKey, Ipv4IsTheAddress) {
  EXPECT_EQ(client_key(make_address("203.0.113.7")), "203.0.113.7");
  EXPECT_EQ(client_key(make_address("127.0.0.2")), "127.0.0.2");
}

TEST(ClientKey, Ipv4MappedIntoIpv6IsTheIpv4Address) {
  EXPECT_EQ(client_key(make_address("::ffff:203.0.113.7")), "203.0.113.7");
}

TEST(ClientKey, Ipv6IsItsSlash64) {
  EXPECT_EQ(client_key(make_address("2001:db8:1:2:aaaa:bbbb:cccc:dddd")), "2001:db8:1:2::/64");
  EXPECT_EQ(client_key(make_address("2001:db8:1:2::1")),
            client_key(make_address("2001:db8:1:2:ffff::9")));
  EXPECT_NE(client_key(make_address("2001:db8:1:2::1")),
            client_key(make_address("2001:db8:1:3::1")));
  EXPECT_EQ(client_key(make_address("::1")), "::/64");
}

}  // namespace
}  // namespace tocsin::http
