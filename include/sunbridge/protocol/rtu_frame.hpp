// SPDX-License-Identifier: Apache-2.0
// Modbus RTU frames as bytes, for buses the gateway only listens to (sniffing) and for the pack
// simulator. Every length is checked before use; a matching CRC does not make a length true.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sunbridge/core/result.hpp"

namespace sb::protocol {

struct ReadRequest {
  std::uint8_t slave = 0;
  std::uint16_t start = 0;
  std::uint16_t count = 0;
};

bool rtu_crc_ok(std::span<const std::uint8_t> frame);
void append_crc(std::vector<std::uint8_t>& frame);

std::vector<std::uint8_t> encode_read_request(const ReadRequest& request);
// An 8-byte FC 0x03 request with a valid CRC and 1 <= count <= 125.
Result<ReadRequest> decode_read_request(std::span<const std::uint8_t> frame);

std::vector<std::uint8_t> encode_read_response(std::uint8_t slave,
                                               std::span<const std::uint16_t> words);
std::vector<std::uint8_t> encode_exception_response(std::uint8_t slave, std::uint8_t function,
                                                    std::uint8_t code);
// The registers of an FC 0x03 response to `request`: checks CRC, slave, function, byte count.
// An exception response is Error::exception(code).
Result<std::vector<std::uint16_t>> decode_read_response(std::span<const std::uint8_t> frame,
                                                        const ReadRequest& request);

// FC 0x06 (one register) and FC 0x10 (1-123 registers).
struct WriteRequest {
  std::uint8_t slave = 0;
  std::uint8_t function = 0x10;
  std::uint16_t start = 0;
  std::vector<std::uint16_t> values;
};
std::vector<std::uint8_t> encode_write_request(const WriteRequest& request);
// An FC 0x06 or 0x10 request with a valid CRC whose counts agree.
Result<WriteRequest> decode_write_request(std::span<const std::uint8_t> frame);
// The device's acknowledgement: FC 0x06 echoes address and value, FC 0x10 address and count.
std::vector<std::uint8_t> encode_write_response(const WriteRequest& request);
// Checks the acknowledgement of `request` (CRC, slave, function, echo); an exception response is
// Error::exception(code).
Status decode_write_response(std::span<const std::uint8_t> frame, const WriteRequest& request);

}  // namespace sb::protocol
