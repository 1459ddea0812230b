// SPDX-License-Identifier: Apache-2.0
// SRNE's meanings of Modbus exception codes (docs/inverter-registers.md, "The link").
#pragma once

namespace sb::protocol {

inline constexpr int kExIllegalFunction = 0x01;
inline constexpr int kExIllegalAddress = 0x02;  // a hole: the block covers an unimplemented address
inline constexpr int kExOutOfRange = 0x03;
inline constexpr int kExOperationFailed = 0x04;
inline constexpr int kExWrongPassword = 0x05;
inline constexpr int kExFrameError = 0x06;  // the device saw a corrupted request
inline constexpr int kExReadOnly = 0x07;
inline constexpr int kExRunning = 0x08;  // cannot be changed while the inverter runs
inline constexpr int kExPasswordLocked = 0x09;
inline constexpr int kExTooManyRegisters = 0x0A;
inline constexpr int kExPermissionDenied = 0x0B;

// "cannot be changed while running", ...; "unknown exception" for others.
const char* srne_exception_text(int code);
// Only a frame error (06) is worth repeating: the request itself was fine.
bool srne_exception_retryable(int code);

}  // namespace sb::protocol
