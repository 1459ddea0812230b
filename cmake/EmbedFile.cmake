# SPDX-License-Identifier: Apache-2.0
# Script mode helper for Embed.cmake: writes INPUT as a raw string literal into OUTPUT.
file(READ ${INPUT} content)
string(FIND "${content}" ")sbembed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(WRITE ${OUTPUT}
  "// Generated from ${INPUT}; do not edit.\n#include <string_view>\n"
  "namespace ${NAMESPACE} {\nstd::string_view ${SYMBOL}() {\n"
  "  static constexpr std::string_view text = R\"sbembed(${content})sbembed\";\n"
  "  return text;\n}\n}\n")
