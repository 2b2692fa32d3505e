#pragma once
// Runs any adapters::GatewayRequest: HTTP and SMTP through the shared libcurl client, local
// line appends through the line writer. The dispatcher holds one and never needs to know
// which kind of request a gateway built.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "adapters/gateway.h"
#include "io/curl_multi.h"
#include "io/line_writer.h"

namespace tocsin::io {

class RequestExecutor {
 public:
  explicit RequestExecutor(boost::asio::any_io_executor executor, CurlMultiOptions options = {});

  // A LocalWrite completes without suspending; network requests as CurlMulti::execute.
  // Start it while this executor exists; once started it may outlive it.
  boost::asio::awaitable<adapters::GatewayResponse> execute(adapters::GatewayRequest request);

  // Aborts network requests in flight (see CurlMulti::shutdown).
  void shutdown() { network_.shutdown(); }

  CurlMulti& network() { return network_; }
  LineWriter& files() { return files_; }

 private:
  CurlMulti network_;
  LineWriter files_;
};

}  // namespace tocsin::io
