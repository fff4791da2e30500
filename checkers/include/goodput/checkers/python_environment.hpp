// SPDX-License-Identifier: MIT
// The Python a task's generated code runs on (README "Python packages"): the packages a task
// allows besides the standard library, checked where they are declared, and probed once
// before any model is called, inside the same sandbox the checks use, so that a package the
// machine lacks stops the run (exit 2) instead of failing the models.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace goodput::checkers {

// `packages` if each is a top-level module name (the name after `import`) and none is listed
// twice; else std::invalid_argument saying which and why.
std::vector<std::string> checked_python_packages(std::vector<std::string> packages);

struct PythonEnvironment {
  std::string python_version;                  // "3.11.2"
  std::map<std::string, std::string> versions;  // module -> its distribution's version ("" when unknown)
  std::map<std::string, std::string> missing;   // module -> why it did not import
  std::string error;  // the probe itself could not run (no sandbox here...): nothing is known
};

// Imports each of `modules` in the sandbox python-passes uses (`backend` as its `sandbox`
// parameter: "auto" by default) and reports what imported, with versions.
PythonEnvironment probe_python_packages(const std::vector<std::string>& modules, const std::string& backend = "auto");

}  // namespace goodput::checkers
