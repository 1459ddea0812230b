// SPDX-License-Identifier: Apache-2.0
// Small text helpers shared by messages and reports.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

// "a, b, c" from {"a", "b", "c"} with sep ", ".
inline std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// Levenshtein distance: insertions, deletions and substitutions.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` within `max_distance` edits ("" when none is that near): the
// "did you mean" of every error about a misspelled name.
std::string closest(std::string_view word, const std::set<std::string>& candidates,
                    std::size_t max_distance = 2);

}  // namespace sb
