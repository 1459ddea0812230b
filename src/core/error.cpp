// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/core/error.hpp"

#include <cstdio>
#include <cstring>

namespace sb {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kCrc:
      return "crc";
    case ErrorKind::kException:
      return "exception";
    case ErrorKind::kMalformed:
      return "malformed";
    case ErrorKind::kDisconnected:
      return "disconnected";
    case ErrorKind::kUnsupported:
      return "unsupported";
    case ErrorKind::kInvalid:
      return "invalid";
    case ErrorKind::kIo:
      return "io";
  }
  return "unknown";
}

std::string Error::describe() const {
  std::string text = to_string(kind);
  if (kind == ErrorKind::kException) {
    char buf[16];
    std::snprintf(buf, sizeof buf, " 0x%02X", code & 0xFF);
    text += buf;
  } else if ((kind == ErrorKind::kIo || kind == ErrorKind::kDisconnected) && code != 0) {
    text += " (";
    text += std::strerror(code);
    text += ")";
  }
  if (!detail.empty()) {
    text += ": ";
    text += detail;
  }
  return text;
}

Error Error::timeout(std::string d) {
  return {ErrorKind::kTimeout, 0, std::move(d), Retry::kRetryable};
}
Error Error::crc(std::string d) {
  return {ErrorKind::kCrc, 0, std::move(d), Retry::kRetryable};
}
Error Error::exception(int c, std::string d) {
  return {ErrorKind::kException, c, std::move(d), Retry::kPermanent};
}
Error Error::malformed(std::string d) {
  return {ErrorKind::kMalformed, 0, std::move(d), Retry::kRetryable};
}
Error Error::disconnected(std::string d, int errno_value) {
  return {ErrorKind::kDisconnected, errno_value, std::move(d), Retry::kRetryable};
}
Error Error::unsupported(std::string d) {
  return {ErrorKind::kUnsupported, 0, std::move(d), Retry::kPermanent};
}
Error Error::invalid(std::string d) {
  return {ErrorKind::kInvalid, 0, std::move(d), Retry::kPermanent};
}
Error Error::io(int errno_value, std::string d) {
  return {ErrorKind::kIo, errno_value, std::move(d), Retry::kRetryable};
}

}  // namespace sb
