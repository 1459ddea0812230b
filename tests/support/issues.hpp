// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "sunbridge/core/schema.hpp"

namespace sb::test {

// Whether `issues` has one at exactly `path` whose message contains `words`.
inline bool has_issue(const schema::Issues& issues, const std::string& path,
                      const std::string& words) {
  for (const auto& i : issues) {
    if (i.path == path && i.message.find(words) != std::string::npos) return true;
  }
  return false;
}

}  // namespace sb::test
