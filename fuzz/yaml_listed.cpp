// SPDX-License-Identifier: MIT
// YamlReader::load_listed against load() on arbitrary bytes: reading a document's "tasks" list
// one entry at a time must give what reading it whole gives. When load() reads the document,
// load_listed and every entry read too, and each node (its type, tag, text, keys, order, and
// the file:line:column an error would name) is the same; when load() refuses it, load_listed
// or one of its entries refuses it as well. Any difference is a finding, as is a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "goodput/error.hpp"
#include "goodput/yaml_util.hpp"
#include "loader_file.hpp"

namespace {

using goodput::detail::YamlReader;

void check_same(const YamlReader& whole_yaml, const YAML::Node& whole, const YamlReader& part_yaml, const YAML::Node& part,
                const char* skip_key = nullptr) {
  GOODPUT_FUZZ_CHECK(whole.Type() == part.Type());
  GOODPUT_FUZZ_CHECK(whole.Tag() == part.Tag());
  const goodput::SourceLocation a = whole_yaml.where(whole), b = part_yaml.where(part);
  // A null is placed at the token after it: for the last value of an entry, the next entry's
  // dash when read whole, the start of that line when read alone. Same line, another column.
  GOODPUT_FUZZ_CHECK(a.line == b.line && (a.column == b.column || whole.IsNull()));
  switch (whole.Type()) {
    case YAML::NodeType::Scalar: GOODPUT_FUZZ_CHECK(whole.Scalar() == part.Scalar()); break;
    case YAML::NodeType::Sequence:
      GOODPUT_FUZZ_CHECK(whole.size() == part.size());
      for (std::size_t i = 0; i < whole.size(); ++i) check_same(whole_yaml, whole[i], part_yaml, part[i]);
      break;
    case YAML::NodeType::Map: {
      GOODPUT_FUZZ_CHECK(whole.size() == part.size());
      auto p = part.begin();
      for (auto w = whole.begin(); w != whole.end(); ++w, ++p) {
        check_same(whole_yaml, w->first, part_yaml, p->first);
        // The listed document's list is empty (its entries are read apart) or whole.
        if (skip_key && w->first.IsScalar() && w->first.Scalar() == skip_key && w->second.IsSequence()) {
          GOODPUT_FUZZ_CHECK(p->second.IsSequence() && (p->second.size() == 0 || p->second.size() == w->second.size()));
          continue;
        }
        check_same(whole_yaml, w->second, part_yaml, p->second);
      }
      break;
    }
    default: break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static goodput::fuzz::LoaderFile file("tasks.yaml");
  const std::string& path = file.holding(goodput::fuzz::as_text(data, size));
  const YamlReader yaml(path);
  YAML::Node whole;
  bool whole_reads = true;
  try {
    whole = yaml.load();
  } catch (const goodput::ConfigError&) {
    whole_reads = false;
  }
  bool listed_reads = true;
  try {
    const goodput::detail::ListedDocument listed = yaml.load_listed("tasks");
    if (whole_reads) check_same(yaml, whole, yaml, listed.root, "tasks");
    const YAML::Node list = whole_reads && whole.IsMap() ? whole["tasks"] : YAML::Node();
    if (whole_reads) GOODPUT_FUZZ_CHECK(listed.list.size() == (list.IsSequence() ? list.size() : 0));
    for (std::size_t i = 0; i < listed.list.size(); ++i) {
      const goodput::detail::YamlList::Entry entry = listed.list.entry(i);
      if (whole_reads) check_same(yaml, list[i], entry.reader, entry.node);
    }
  } catch (const goodput::ConfigError& e) {
    GOODPUT_FUZZ_CHECK(e.where().file == path);
    listed_reads = false;
  }
  GOODPUT_FUZZ_CHECK(whole_reads == listed_reads);
  return 0;
}
