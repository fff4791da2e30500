// SPDX-License-Identifier: MIT
#include "goodput/curl_session.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>

#include <curl/curl.h>

namespace goodput::detail {

namespace {

using Clock = std::chrono::steady_clock;

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  Clock::time_point t0;
  CURL* curl = nullptr;
  const std::function<bool(std::string_view, double)>* on_bytes = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  long status = 0;
  std::string error_body;
  Clock::time_point last_byte;
  double stall_timeout_s = 0;
  bool stalled = false;
  bool cancelled = false;
  bool stopped_by_consumer = false;
};

constexpr std::size_t k_error_body_cap = 64 * 1024;

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
  // Time first: everything below is bookkeeping that must not delay the reading.
  const auto now = Clock::now();
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  t->last_byte = now;
  if (t->status == 0) curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->status);
  if (t->status < 200 || t->status >= 300) {
    const std::size_t room = k_error_body_cap - t->error_body.size();
    t->error_body.append(data, std::min(n, room));
    if (n < room) return n;
    t->stopped_by_consumer = true;  // enough to say what went wrong: the rest is not read
    return 0;
  }
  const double seconds = std::chrono::duration<double>(now - t->t0).count();
  if (!(*t->on_bytes)(std::string_view(data, n), seconds)) {
    t->stopped_by_consumer = true;
    return 0;  // aborts the transfer: the consumer has what it needs (e.g. an error payload)
  }
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->cancel && t->cancel->load(std::memory_order_relaxed)) {
    t->cancelled = true;
    return 1;
  }
  // libcurl's LOW_SPEED options count bytes per second over whole seconds; a stall is "no
  // byte at all for N seconds", which a server's `: ping` comments also reset.
  const double idle = std::chrono::duration<double>(Clock::now() - t->last_byte).count();
  if (idle > t->stall_timeout_s) {
    t->stalled = true;
    return 1;
  }
  return 0;
}

constexpr std::size_t k_get_body_cap = 4 * 1024 * 1024;

std::size_t on_get_write(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const std::size_t n = size * count;
  if (body->size() < k_get_body_cap) body->append(data, std::min(n, k_get_body_cap - body->size()));
  return n;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

// What the reply said about itself, read once the transfer ended.
void read_reply_headers(CURL* curl, HttpOutcome& outcome) {
  char* type = nullptr;
  if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type) outcome.content_type = type;
  curl_header* header = nullptr;
  if (curl_easy_header(curl, "Retry-After", 0, CURLH_HEADER, -1, &header) == CURLHE_OK && header && header->value)
    outcome.retry_after_s = retry_after_seconds(header->value, std::time(nullptr));
}

}  // namespace

std::optional<double> retry_after_seconds(std::string_view value, std::time_t now) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!value.empty() && blank(value.front())) value.remove_prefix(1);
  while (!value.empty() && blank(value.back())) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (std::all_of(value.begin(), value.end(), digit)) {
    double seconds = 0;
    for (const char c : value) seconds = std::min(seconds * 10 + (c - '0'), 1e12);  // digits without end stay finite
    return seconds;
  }
  // Every HTTP-date form names its month; curl_getdate alone would take a bare "1.5" for a date.
  const auto letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  if (std::none_of(value.begin(), value.end(), letter)) return std::nullopt;
  const std::string text(value);
  const std::time_t date = curl_getdate(text.c_str(), nullptr);
  if (date == -1) return std::nullopt;
  return std::max(0.0, std::difftime(date, now));
}

CurlSession::CurlSession() {
  global_init_once();
  m_curl = curl_easy_init();
}

CurlSession::~CurlSession() {
  if (m_curl) curl_easy_cleanup(static_cast<CURL*>(m_curl));
}

HttpOutcome CurlSession::post(const HttpRequest& request,
                              const std::function<bool(std::string_view, double)>& on_bytes,
                              const std::atomic<bool>* cancel) {
  CURL* curl = static_cast<CURL*>(m_curl);
  HttpOutcome outcome;
  if (!curl) {
    outcome.error = {ErrorKind::connect, "libcurl could not be initialised", 0};
    return outcome;
  }
  // Reset options but keep the connection cache, so the next request reuses the socket.
  curl_easy_reset(curl);

  curl_slist* headers = nullptr;
  for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());

  Transfer transfer;
  transfer.curl = curl;
  transfer.on_bytes = &on_bytes;
  transfer.cancel = cancel;
  transfer.stall_timeout_s = request.stall_timeout_s;

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &on_write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout_s * 1000));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.request_timeout_s * 1000));
  // A proxy from the environment must not sit between goodput and a local server it times.
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "identity");

  transfer.t0 = Clock::now();
  transfer.last_byte = transfer.t0;
  const CURLcode code = curl_easy_perform(curl);
  outcome.end_s = std::chrono::duration<double>(Clock::now() - transfer.t0).count();
  curl_slist_free_all(headers);
  if (transfer.status == 0) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &transfer.status);
  outcome.status = transfer.status;
  outcome.error_body = std::move(transfer.error_body);
  read_reply_headers(curl, outcome);

  if (code == CURLE_OK || transfer.stopped_by_consumer) return outcome;
  const std::string where = request.url;
  if (transfer.cancelled) {
    outcome.error = {ErrorKind::timeout, "cancelled: the run was interrupted", 0};
  } else if (transfer.stalled) {
    outcome.error = {ErrorKind::stall, "no bytes from " + where + " for " + seconds_text(request.stall_timeout_s) +
                                           " (stall timeout); the server may be overloaded or hung — raise timeouts.stall in the models file if it is just slow to prefill", 0};
  } else if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY) {
    outcome.error = {ErrorKind::connect, "cannot connect to " + where + ": " + curl_easy_strerror(code) +
                                             " — is the server running, and is base_url right?", 0};
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    const bool connected = outcome.status != 0;
    outcome.error = {connected ? ErrorKind::timeout : ErrorKind::connect,
                     connected ? "request timeout (" + seconds_text(request.request_timeout_s) + ") reached at " + where +
                                     "; raise timeouts.request in the models file for long answers"
                               : "connecting to " + where + " timed out after " + seconds_text(request.connect_timeout_s),
                     0};
  } else if ((code == CURLE_GOT_NOTHING || code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR) && outcome.status == 0) {
    // Nothing came back, not even a status line: no stream was cut, so this is worth a retry.
    outcome.error = {ErrorKind::connect, "the connection to " + where + " was closed before any reply (" + curl_easy_strerror(code) +
                                             "); the server may be restarting or overloaded — is base_url the model server's?", 0};
  } else if (code == CURLE_WEIRD_SERVER_REPLY || code == CURLE_UNSUPPORTED_PROTOCOL) {
    outcome.error = {ErrorKind::bad_response, "the reply from " + where + " is not HTTP (" + curl_easy_strerror(code) +
                                                  "); another kind of service listens there — check the host and port in base_url", 0};
  } else if (code == CURLE_GOT_NOTHING || code == CURLE_RECV_ERROR || code == CURLE_PARTIAL_FILE || code == CURLE_SEND_ERROR) {
    outcome.error = {ErrorKind::truncated, "the stream from " + where + " broke off before it ended (" + curl_easy_strerror(code) +
                                               "); the server may have crashed or closed the connection", 0};
  } else {
    outcome.error = {ErrorKind::connect, std::string("request to ") + where + " failed: " + curl_easy_strerror(code), 0};
  }
  return outcome;
}

HttpOutcome CurlSession::get(const std::string& url, const std::vector<std::string>& headers, double timeout_s,
                             std::string& body) {
  CURL* curl = static_cast<CURL*>(m_curl);
  HttpOutcome outcome;
  body.clear();
  if (!curl) {
    outcome.error = {ErrorKind::connect, "libcurl could not be initialised", 0};
    return outcome;
  }
  curl_easy_reset(curl);
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &on_get_write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_s * 1000));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_s * 1000));
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "identity");
  const auto t0 = Clock::now();
  const CURLcode code = curl_easy_perform(curl);
  outcome.end_s = std::chrono::duration<double>(Clock::now() - t0).count();
  curl_slist_free_all(list);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &outcome.status);
  if (outcome.status < 200 || outcome.status >= 300) outcome.error_body = body.substr(0, k_error_body_cap);
  if (code == CURLE_OK) return outcome;
  if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY) {
    outcome.error = {ErrorKind::connect, "cannot connect to " + url + ": " + curl_easy_strerror(code), 0};
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    outcome.error = {outcome.status != 0 ? ErrorKind::timeout : ErrorKind::connect,
                     url + " did not answer within " + seconds_text(timeout_s), 0};
  } else {
    outcome.error = {ErrorKind::bad_response, std::string("GET ") + url + " failed: " + curl_easy_strerror(code), 0};
  }
  return outcome;
}

}  // namespace goodput::detail
