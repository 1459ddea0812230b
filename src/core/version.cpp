// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/core/version.hpp"

namespace sb {

const char* version() {
  return SUNBRIDGE_VERSION;
}
const char* revision() {
  return SUNBRIDGE_REVISION;
}
std::string version_string() {
  return std::string(version()) + " (git " + revision() + ")";
}

}  // namespace sb
