// SPDX-License-Identifier: MIT
// A listener on loopback that only counts connections (each is closed at once): a models
// file pointing at it shows whether goodput contacted the server at all, e.g. that bad input
// is refused before any request.
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace goodput::test {

class CountingServer {
 public:
  CountingServer();   // listens on 127.0.0.1, any free port; throws std::runtime_error when it cannot
  ~CountingServer();  // stops listening
  CountingServer(const CountingServer&) = delete;
  CountingServer& operator=(const CountingServer&) = delete;

  int port() const { return m_port; }
  std::string base_url() const;  // http://127.0.0.1:PORT/v1
  int connections() const { return m_connections.load(); }

 private:
  void serve();
  int m_fd = -1;
  int m_port = 0;
  std::atomic<int> m_connections{0};
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

}  // namespace goodput::test
