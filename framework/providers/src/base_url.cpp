// SPDX-License-Identifier: MIT
#include "goodput/base_url.hpp"

#include <curl/curl.h>

#include <memory>
#include <string>


namespace goodput::detail {

namespace {

struct CurlUrlFree {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringFree {
  void operator()(char* text) const { curl_free(text); }
};
using CurlString = std::unique_ptr<char, CurlStringFree>;

// One part of a parsed URL; empty when it is absent.
std::string url_part(CURLU* url, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, 0) != CURLUE_OK) return "";
  const CurlString owned(text);
  return text ? std::string(text) : std::string();
}

}  // namespace

std::string base_url_syntax_problem(const std::string& base_url) {
  const std::string quoted = "'" + base_url + "'";
  const std::string example = " (e.g. http://127.0.0.1:8080/v1)";
  for (const char c : base_url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F)
      return quoted + " contains a space or a control character; write the URL without them" + example;
  const bool http = base_url.rfind("http://", 0) == 0;
  if (!http && base_url.rfind("https://", 0) != 0) return quoted + " must start with http:// or https://" + example;
  // libcurl reads "http:///v1" as the host "v1": an empty host is caught here.
  const std::size_t authority = base_url.find("://") + 3;
  if (authority == base_url.size() || base_url[authority] == '/' || base_url[authority] == ':')
    return quoted + " names no host" + example;
  const std::unique_ptr<CURLU, CurlUrlFree> url(curl_url());
  if (!url) return "";
  const CURLUcode rc = curl_url_set(url.get(), CURLUPART_URL, base_url.c_str(), 0);
  if (rc == CURLUE_BAD_PORT_NUMBER) return quoted + " has a port outside 1 to 65535" + example;
  if (rc == CURLUE_NO_HOST) return quoted + " names no host" + example;
  if (rc != CURLUE_OK) return quoted + " is not a valid URL: " + curl_url_strerror(rc) + example;
  if (url_part(url.get(), CURLUPART_HOST).empty()) return quoted + " names no host" + example;
  if (url_part(url.get(), CURLUPART_PORT) == "0") return quoted + " has port 0; a port is from 1 to 65535" + example;
  if (!url_part(url.get(), CURLUPART_QUERY).empty() || !url_part(url.get(), CURLUPART_FRAGMENT).empty())
    return quoted + " has a query (?) or fragment (#); goodput appends the API's paths to base_url, so give only scheme, host, port and path" + example;
  return "";
}

}  // namespace goodput::detail
