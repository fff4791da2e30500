// SPDX-License-Identifier: MIT
// The simulator's notion of a token. Real tokenizers differ from model to model; this one
// only has to be deterministic and easy to state, so that tests can predict token counts:
//   - ASCII: an optional single leading space followed by a run of letters/digits, or else
//     one other character (punctuation, a space, "\n", a tab...) on its own;
//   - non-ASCII: up to 3 consecutive non-ASCII code points (a code point is never split;
//     an invalid byte counts as one code point).
// Concatenating the tokens gives back the text exactly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace goodput::sim {

std::vector<std::string> sim_tokenize(std::string_view text);

}  // namespace goodput::sim
