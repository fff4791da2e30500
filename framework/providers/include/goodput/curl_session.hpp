// SPDX-License-Identifier: MIT
// The only place libcurl is used. One CurlSession per worker: its easy handle keeps the
// connection alive between requests. Internal to goodput (no stable API).
#pragma once

#include <atomic>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goodput/completion.hpp"

namespace goodput::detail {

struct HttpRequest {
  std::string url;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  double connect_timeout_s = 10;
  double request_timeout_s = 900;
  double stall_timeout_s = 120;
};

struct HttpOutcome {
  long status = 0;
  TransportError error;      // transport level (connect, timeout, stall); http_status is left to the caller
  std::string error_body;    // the body of a non-2xx response (capped)
  std::string content_type;  // the reply's Content-Type, empty when it sent none
  std::optional<double> retry_after_s;  // the reply's Retry-After, in seconds from when it arrived
  double end_s = 0;          // transfer ended, seconds since t0
};

// A Retry-After value (RFC 9110 §10.2.3) in seconds from `now`: delay-seconds, or an
// HTTP-date in any of the three forms a recipient must accept (a date in the past is 0).
// Nullopt when it is neither.
std::optional<double> retry_after_seconds(std::string_view value, std::time_t now);

class CurlSession {
 public:
  CurlSession();
  ~CurlSession();
  CurlSession(const CurlSession&) = delete;
  CurlSession& operator=(const CurlSession&) = delete;

  // Performs a POST. `on_bytes(bytes, t)` receives each chunk of a 2xx body with the time it
  // arrived (seconds on a steady clock since just before sending); it returns false to stop.
  // The timestamp is taken first thing in libcurl's write callback.
  HttpOutcome post(const HttpRequest& request,
                   const std::function<bool(std::string_view bytes, double t)>& on_bytes,
                   const std::atomic<bool>* cancel);

  // Performs a GET of `url` and puts the body (any status, capped at 4 MiB) in `body`. For
  // probes (`goodput models`, fingerprints): `timeout_s` bounds connecting and the whole
  // transfer. Transport errors come back as in post(); the status is left to the caller.
  HttpOutcome get(const std::string& url, const std::vector<std::string>& headers, double timeout_s, std::string& body);

 private:
  void* m_curl = nullptr;  // CURL*, kept opaque so curl.h stays in one file
};

}  // namespace goodput::detail
