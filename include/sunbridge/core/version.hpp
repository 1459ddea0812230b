// SPDX-License-Identifier: Apache-2.0
// The one version (CMake's project version) and the git revision it was built from.
#pragma once

#include <string>

namespace sb {

const char* version();   // "0.1.0"
const char* revision();  // "4baede1", "4baede1-dirty", or "unknown" outside a git checkout
// "0.1.0 (git 4baede1)"
std::string version_string();

}  // namespace sb
