// SPDX-License-Identifier: Apache-2.0
// Loading a data file compiled into the binary. A broken embedded file is a build defect (the
// unit tests load every one), so this throws instead of returning an error value.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "sunbridge/core/schema.hpp"

namespace sb::protocol {

template <typename T>
T load_embedded(std::string_view text, const char* file) {
  schema::Issues issues;
  auto loaded = T::from_json(text, issues);
  if (!loaded) {
    throw std::runtime_error(std::string("embedded ") + file + " is invalid:\n" +
                             schema::format_issues(issues, file));
  }
  return std::move(*loaded);
}

}  // namespace sb::protocol
