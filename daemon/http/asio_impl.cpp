// The one translation unit that compiles Asio and Beast (BOOST_ASIO_SEPARATE_COMPILATION,
// BOOST_BEAST_SEPARATE_COMPILATION): every other file includes their headers only.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
