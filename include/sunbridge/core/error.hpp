// SPDX-License-Identifier: Apache-2.0
// Errors on the I/O path are values, never exceptions (docs/architecture.md, "Quality").
#pragma once

#include <string>

namespace sb {

enum class ErrorKind {
  kTimeout,       // no (complete) reply within the response timeout
  kCrc,           // a reply arrived but its checksum was wrong
  kException,     // the device answered with a protocol exception; `code` holds it
  kMalformed,     // bytes that do not form a valid reply / document
  kDisconnected,  // the port or connection is gone (unplugged, closed, refused)
  kUnsupported,   // the device does not implement what was asked (learned, not retried)
  kInvalid,       // the request itself is not valid (range, interlock, bad argument)
  kIo,            // any other operating-system error; `code` holds errno
};

// Whether repeating the same request can succeed. Transports pick a default per kind; a device
// layer that knows better (e.g. SRNE exception 06 is a frame error) may override it.
enum class Retry { kRetryable, kPermanent };

struct Error {
  ErrorKind kind = ErrorKind::kIo;
  int code = 0;  // exception code for kException, errno for kIo/kDisconnected, else 0
  std::string detail;
  Retry retry = Retry::kPermanent;

  [[nodiscard]] bool retryable() const { return retry == Retry::kRetryable; }
  // "timeout", "crc", "exception 0x08", ... plus the detail when present.
  [[nodiscard]] std::string describe() const;

  static Error timeout(std::string detail = {});
  static Error crc(std::string detail = {});
  static Error exception(int code, std::string detail = {});
  static Error malformed(std::string detail = {});
  static Error disconnected(std::string detail = {}, int errno_value = 0);
  static Error unsupported(std::string detail = {});
  static Error invalid(std::string detail = {});
  static Error io(int errno_value, std::string detail = {});
};

// Short stable token for a kind: "timeout", "crc", "exception", "malformed", ...
const char* to_string(ErrorKind kind);

}  // namespace sb
