// SPDX-License-Identifier: MIT
#include "support/raw_server.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace goodput::test {

namespace {

// The request head and as much of the body as Content-Length says, or what came before the
// client stopped sending; the head's first line.
std::string read_request_line(int fd) {
  std::string data;
  char buf[4096];
  std::size_t need = std::string::npos;
  while (need == std::string::npos || data.size() < need) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 2000) <= 0) break;
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    data.append(buf, static_cast<std::size_t>(n));
    const auto head_end = data.find("\r\n\r\n");
    if (need == std::string::npos && head_end != std::string::npos) {
      std::size_t length = 0;
      for (const char* name : {"Content-Length:", "content-length:"})
        if (const auto at = data.find(name); at != std::string::npos && at < head_end)
          length = std::strtoul(data.c_str() + at + std::string(name).size(), nullptr, 10);
      need = head_end + 4 + length;
    }
  }
  return data.substr(0, data.find("\r\n"));
}

}  // namespace

RawServer::RawServer(std::vector<RawReply> replies) : m_replies(std::move(replies)) {
  if (m_replies.empty()) m_replies.push_back({});
  m_listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (m_listener < 0 || bind(m_listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(m_listener, 64) != 0 || getsockname(m_listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("RawServer: cannot listen on 127.0.0.1");
  m_port = ntohs(addr.sin_port);
  m_thread = std::thread([this] { serve(); });
}

RawServer::~RawServer() {
  m_stop.store(true);
  m_thread.join();
  close(m_listener);
}

std::vector<std::string> RawServer::request_lines() const {
  const std::lock_guard lock(m_mutex);
  return m_request_lines;
}

int RawServer::requests(const std::string& method) const {
  int n = 0;
  for (const auto& line : request_lines()) n += line.starts_with(method + " ") ? 1 : 0;
  return n;
}

void RawServer::serve() {
  std::size_t served = 0;
  while (!m_stop.load()) {
    pollfd p{m_listener, POLLIN, 0};
    if (poll(&p, 1, 20) <= 0) continue;
    const int fd = accept(m_listener, nullptr, nullptr);
    if (fd < 0) continue;
    answer(fd, m_replies[std::min(served++, m_replies.size() - 1)]);
  }
}

void RawServer::answer(int fd, const RawReply& reply) {
  const std::string line = read_request_line(fd);
  {
    const std::lock_guard lock(m_mutex);
    m_request_lines.push_back(line);
  }
  for (std::size_t sent = 0; sent < reply.bytes.size();) {
    const ssize_t n = send(fd, reply.bytes.data() + sent, reply.bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  if (reply.reset) {
    const linger abort_on_close{1, 0};  // close() then sends RST, not FIN
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  } else {
    shutdown(fd, SHUT_WR);
  }
  close(fd);
}

std::string http_reply(const std::string& status_line, const std::vector<std::string>& headers, const std::string& body) {
  std::string reply = "HTTP/1.1 " + status_line + "\r\nConnection: close\r\n";
  for (const auto& h : headers) reply += h + "\r\n";
  return reply + "\r\n" + body;
}

}  // namespace goodput::test
