// SPDX-License-Identifier: MIT
// The models file loader on arbitrary bytes. ConfigError is its documented answer to a bad
// file and is expected; any other exception, a crash, a sanitizer report, a hang or unbounded
// memory is a finding. An error must say where; a loaded model is usable as far as the file
// can tell (a name, a model id, a base_url, at least one request in flight).
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "goodput/error.hpp"
#include "goodput/spec.hpp"
#include "loader_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static goodput::fuzz::LoaderFile file("models.yaml");
  const std::string& path = file.holding(goodput::fuzz::as_text(data, size));
  try {
    for (const goodput::ModelSpec& model : goodput::load_models_file(path)) {
      GOODPUT_FUZZ_CHECK(!model.name.empty());
      GOODPUT_FUZZ_CHECK(!model.base_url.empty());
      GOODPUT_FUZZ_CHECK(model.concurrency >= 1);
      (void)model.params.dump();  // what a request body is made of must serialise
      (void)model.extra_body.dump();
    }
  } catch (const goodput::ConfigError& e) {
    GOODPUT_FUZZ_CHECK(e.where().file == path);
  }
  return 0;
}
