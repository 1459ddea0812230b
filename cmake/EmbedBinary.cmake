# SPDX-License-Identifier: Apache-2.0
# Script mode helper for Embed.cmake (GZIP): writes the bytes of INPUT as an array into OUTPUT.
file(READ ${INPUT} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE ${OUTPUT}
  "// Generated from ${INPUT}; do not edit.\n#include <string_view>\n"
  "namespace ${NAMESPACE} {\nnamespace {\nconstexpr unsigned char kBytes[] = {\n${bytes}};\n}\n"
  "std::string_view ${SYMBOL}() {\n"
  "  return {reinterpret_cast<const char*>(kBytes), sizeof kBytes};\n}\n}\n")
