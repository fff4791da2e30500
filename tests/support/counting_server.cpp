// SPDX-License-Identifier: MIT
#include "support/counting_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace goodput::test {

CountingServer::CountingServer() {
  m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (m_fd < 0) throw std::runtime_error("CountingServer: socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  if (::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(m_fd, 16) != 0 ||
      ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    ::close(m_fd);
    throw std::runtime_error("CountingServer: cannot listen on 127.0.0.1");
  }
  m_port = ntohs(addr.sin_port);
  m_thread = std::thread([this] { serve(); });
}

CountingServer::~CountingServer() {
  m_stop.store(true);
  m_thread.join();
  ::close(m_fd);
}

std::string CountingServer::base_url() const { return "http://127.0.0.1:" + std::to_string(m_port) + "/v1"; }

void CountingServer::serve() {
  while (!m_stop.load()) {
    pollfd p{m_fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int client = ::accept(m_fd, nullptr, nullptr);
    if (client < 0) continue;
    ++m_connections;
    ::close(client);
  }
}

}  // namespace goodput::test
