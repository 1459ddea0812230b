// SPDX-License-Identifier: Apache-2.0
// Small text helpers shared by messages and reports.
#pragma once

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

}  // namespace sb
