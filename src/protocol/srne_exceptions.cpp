// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/protocol/srne_exceptions.hpp"

namespace sb::protocol {

const char* srne_exception_text(int code) {
  switch (code) {
    case kExIllegalFunction:
      return "illegal function";
    case kExIllegalAddress:
      return "illegal address";
    case kExOutOfRange:
      return "value out of range";
    case kExOperationFailed:
      return "operation failed / state forbids it";
    case kExWrongPassword:
      return "wrong password";
    case kExFrameError:
      return "frame/CRC error at the device";
    case kExReadOnly:
      return "read-only register";
    case kExRunning:
      return "cannot be changed while running";
    case kExPasswordLocked:
      return "password-locked";
    case kExTooManyRegisters:
      return "too many registers";
    case kExPermissionDenied:
      return "permission denied";
    default:
      return "unknown exception";
  }
}

bool srne_exception_retryable(int code) {
  return code == kExFrameError;
}

}  // namespace sb::protocol
