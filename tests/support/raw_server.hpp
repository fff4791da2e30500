// SPDX-License-Identifier: MIT
// A TCP server on loopback that answers each connection with scripted raw bytes, to play the
// servers goodput must survive where an HTTP library would not misbehave enough: a reply that
// is not HTTP, a reset before any byte, a connection closed without a word, as well as any
// HTTP reply written out by hand (HTML pages, empty bodies, Retry-After).
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace goodput::test {

struct RawReply {
  std::string bytes;   // sent as they are once the request was read
  bool reset = false;  // then end the connection with a TCP reset instead of a close
};

class RawServer {
 public:
  // The n-th connection gets replies[n], the ones after the last get the last.
  explicit RawServer(std::vector<RawReply> replies);
  ~RawServer();
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  int port() const { return m_port; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  // The request line of each request read so far ("POST /v1/chat/completions HTTP/1.1").
  std::vector<std::string> request_lines() const;
  // How many request lines start with `method` ("POST").
  int requests(const std::string& method) const;

 private:
  void serve();
  void answer(int fd, const RawReply& reply);

  std::vector<RawReply> m_replies;
  int m_listener = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  mutable std::mutex m_mutex;
  std::vector<std::string> m_request_lines;
  std::thread m_thread;
};

// An HTTP/1.1 reply with `status_line` ("200 OK"), extra header lines ("Retry-After: 3") and
// `body`, closing the connection after it (no Content-Length unless given in `headers`).
std::string http_reply(const std::string& status_line, const std::vector<std::string>& headers, const std::string& body);

}  // namespace goodput::test
