// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/rollup_blob.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace sb::adapters {

namespace {

constexpr std::uint8_t kVersion = 1;
constexpr int kMaxDecimals = 6;    // the mean keeps one more
constexpr double kLimit = 4.0e18;  // scaled values stay well inside int64
constexpr std::int64_t kMaxScaled = 4'000'000'000'000'000'000;

void put_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// mean10 / 10 rounded half away from zero, in integers: the reader gets the same base.
// Callers keep |v| below kMaxScaled.
std::int64_t round_div10(std::int64_t v) {
  return v >= 0 ? (v + 5) / 10 : (v - 5) / 10;
}

double scale_of(int decimals) {
  double s = 1;
  for (int i = 0; i < decimals; ++i)
    s *= 10;
  return s;
}

bool fits(double v, int decimals) {
  return std::isfinite(v) && std::fabs(v * scale_of(decimals)) < kLimit;
}

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  Result<std::uint64_t> varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= bytes_.size()) return overrun();
      const std::uint8_t b = bytes_[pos_++];
      if (shift == 63 && b > 1) return Error::malformed("history bucket: varint too long");
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Error::malformed("history bucket: varint too long");
  }
  Result<std::uint8_t> u8() {
    if (pos_ >= bytes_.size()) return overrun();
    return bytes_[pos_++];
  }
  [[nodiscard]] std::size_t remaining() const { return bytes_.size() - pos_; }

 private:
  [[nodiscard]] Error overrun() const {
    return Error::malformed("history bucket: ends inside a field at offset " +
                            std::to_string(pos_) + " of " + std::to_string(bytes_.size()));
  }
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<std::uint8_t> encode_rollup(const std::map<std::int64_t, domain::RollupStats>& points) {
  std::vector<std::uint8_t> body;
  std::uint64_t entries = 0;
  std::int64_t previous_id = 0;
  for (const auto& entry : points) {
    // Not a structured binding: clang does not let a lambda capture one.
    const std::int64_t id = entry.first;
    const domain::RollupStats& s = entry.second;
    if (s.count <= 0 || id < previous_id) continue;
    const double mean = s.mean();
    if (!std::isfinite(s.min) || !std::isfinite(s.max) || !std::isfinite(s.last) ||
        !std::isfinite(mean) || (s.delta && !std::isfinite(*s.delta))) {
      continue;
    }
    // As many decimals as the point shows, fewer when a value is too large for them.
    auto all_fit = [&](int decimals) {
      return fits(s.min, decimals) && fits(s.max, decimals) && fits(s.last, decimals) &&
             fits(mean, decimals + 1) && (!s.delta || fits(*s.delta, decimals));
    };
    int d = std::clamp(s.decimals, 0, kMaxDecimals);
    while (d > 0 && !all_fit(d))
      --d;
    if (!all_fit(d)) continue;
    const double scale = scale_of(d);
    put_varint(body, static_cast<std::uint64_t>(id - previous_id));
    previous_id = id;
    body.push_back(static_cast<std::uint8_t>(d | (s.delta ? 0x08 : 0)));
    put_varint(body, static_cast<std::uint64_t>(s.count));
    // The mean with one more decimal; min, max and last as steps from it (small numbers).
    const std::int64_t mean10 = std::llround(mean * scale * 10);
    const std::int64_t base = round_div10(mean10);
    put_varint(body, zigzag(mean10));
    put_varint(body, zigzag(std::llround(s.min * scale) - base));
    put_varint(body, zigzag(std::llround(s.max * scale) - base));
    put_varint(body, zigzag(std::llround(s.last * scale) - base));
    if (s.delta) put_varint(body, zigzag(std::llround(*s.delta * scale)));
    ++entries;
  }
  std::vector<std::uint8_t> out{kVersion};
  put_varint(out, entries);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Result<std::map<std::int64_t, domain::RollupStats>> decode_rollup(
    std::span<const std::uint8_t> blob) {
  Reader in(blob);
  auto version = in.u8();
  if (!version) return version.error();
  if (*version != kVersion) {
    return Error::malformed("history bucket: unknown format version " + std::to_string(*version));
  }
  auto entries = in.varint();
  if (!entries) return entries.error();
  // Each entry takes at least 7 bytes: a count beyond that is a lie, not a reason to allocate.
  if (*entries > in.remaining() / 7) {
    return Error::malformed("history bucket: " + std::to_string(*entries) + " entries in " +
                            std::to_string(in.remaining()) + " bytes");
  }
  std::map<std::int64_t, domain::RollupStats> out;
  std::uint64_t id = 0;
  for (std::uint64_t i = 0; i < *entries; ++i) {
    auto step = in.varint();
    if (!step) return step.error();
    if (*step > static_cast<std::uint64_t>(INT64_MAX) - id || (i > 0 && *step == 0)) {
      return Error::malformed("history bucket: point ids out of order");
    }
    id += *step;
    auto flags = in.u8();
    if (!flags) return flags.error();
    if ((*flags & ~0x0f) != 0 || (*flags & 0x07) > kMaxDecimals) {
      return Error::malformed("history bucket: bad flags " + std::to_string(*flags));
    }
    const int d = *flags & 0x07;
    const double scale = scale_of(d);
    domain::RollupStats s;
    s.decimals = d;
    auto count = in.varint();
    if (!count) return count.error();
    if (*count == 0 || *count > static_cast<std::uint64_t>(INT64_MAX)) {
      return Error::malformed("history bucket: bad value count");
    }
    s.count = static_cast<std::int64_t>(*count);
    auto mean10 = in.varint();
    if (!mean10) return mean10.error();
    const std::int64_t mean_scaled = unzigzag(*mean10);
    if (mean_scaled > kMaxScaled || mean_scaled < -kMaxScaled) {
      return Error::malformed("history bucket: mean out of range");
    }
    const std::int64_t base = round_div10(mean_scaled);
    std::int64_t steps[3];  // min, max, last
    for (std::int64_t& v : steps) {
      auto raw = in.varint();
      if (!raw) return raw.error();
      if (__builtin_add_overflow(base, unzigzag(*raw), &v)) {
        return Error::malformed("history bucket: value out of range");
      }
    }
    s.min = static_cast<double>(steps[0]) / scale;
    s.max = static_cast<double>(steps[1]) / scale;
    s.last = static_cast<double>(steps[2]) / scale;
    s.sum = static_cast<double>(mean_scaled) / (scale * 10) * static_cast<double>(s.count);
    if ((*flags & 0x08) != 0) {
      auto raw = in.varint();
      if (!raw) return raw.error();
      s.delta = static_cast<double>(unzigzag(*raw)) / scale;
    }
    out.emplace(static_cast<std::int64_t>(id), s);
  }
  if (in.remaining() != 0) {
    return Error::malformed("history bucket: " + std::to_string(in.remaining()) +
                            " bytes after the last entry");
  }
  return out;
}

}  // namespace sb::adapters
