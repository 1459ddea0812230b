// SPDX-License-Identifier: Apache-2.0
// A bounds-checked reader over a byte span: every read past the end is a Malformed error value,
// never an out-of-bounds access. Parsers take fields through it; a checksum that matched is no
// reason to trust a length.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sunbridge/core/result.hpp"

namespace sb::protocol {

class ByteCursor {
 public:
  explicit ByteCursor(std::span<const std::uint8_t> bytes, std::string what = "frame")
      : bytes_(bytes), what_(std::move(what)) {}

  Result<std::uint8_t> u8() {
    if (!need(1)) return overrun(1);
    return bytes_[pos_++];
  }
  Result<std::uint16_t> u16() {  // big-endian, as on the wire
    if (!need(2)) return overrun(2);
    auto v = static_cast<std::uint16_t>((bytes_[pos_] << 8) | bytes_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  Result<std::uint16_t> u16_le() {  // little-endian (Solarman V5 headers)
    if (!need(2)) return overrun(2);
    auto v = static_cast<std::uint16_t>(bytes_[pos_] | (bytes_[pos_ + 1] << 8));
    pos_ += 2;
    return v;
  }
  Result<std::uint32_t> u32_le() {
    if (!need(4)) return overrun(4);
    auto v = static_cast<std::uint32_t>(bytes_[pos_]) |
             (static_cast<std::uint32_t>(bytes_[pos_ + 1]) << 8) |
             (static_cast<std::uint32_t>(bytes_[pos_ + 2]) << 16) |
             (static_cast<std::uint32_t>(bytes_[pos_ + 3]) << 24);
    pos_ += 4;
    return v;
  }
  Result<std::int16_t> s16() {
    auto v = u16();
    if (!v) return v.error();
    return static_cast<std::int16_t>(*v);
  }
  Result<std::uint32_t> u24() {
    if (!need(3)) return overrun(3);
    auto v = static_cast<std::uint32_t>((bytes_[pos_] << 16) | (bytes_[pos_ + 1] << 8) |
                                        bytes_[pos_ + 2]);
    pos_ += 3;
    return v;
  }
  Result<std::span<const std::uint8_t>> take(std::size_t n) {
    if (!need(n)) return overrun(n);
    auto s = bytes_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  [[nodiscard]] std::size_t remaining() const { return bytes_.size() - pos_; }
  [[nodiscard]] std::size_t position() const { return pos_; }
  [[nodiscard]] bool at_end() const { return pos_ == bytes_.size(); }

 private:
  [[nodiscard]] bool need(std::size_t n) const { return n <= bytes_.size() - pos_; }
  Error overrun(std::size_t n) const {
    return Error::malformed(what_ + ": field of " + std::to_string(n) + " byte(s) at offset " +
                            std::to_string(pos_) + " runs past the end (" +
                            std::to_string(bytes_.size()) + " bytes)");
  }

  std::span<const std::uint8_t> bytes_;
  std::string what_;
  std::size_t pos_ = 0;
};

}  // namespace sb::protocol
