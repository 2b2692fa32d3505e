#include "io/request_executor.h"

#include <variant>

namespace tocsin::io {

RequestExecutor::RequestExecutor(boost::asio::any_io_executor executor, CurlMultiOptions options)
    : network_(std::move(executor), options) {}

boost::asio::awaitable<adapters::GatewayResponse> RequestExecutor::execute(
    adapters::GatewayRequest request) {
  // A new kind of request must be handled here before it compiles.
  static_assert(std::variant_size_v<adapters::GatewayRequest> == 3);
  switch (request.index()) {
    case 0:
      co_return co_await network_.execute(std::get<adapters::HttpRequest>(std::move(request)));
    case 1:
      co_return co_await network_.execute(std::get<adapters::SmtpEnvelope>(std::move(request)));
    default:
      co_return files_.write(std::get<adapters::LocalWrite>(request));
  }
}

}  // namespace tocsin::io
