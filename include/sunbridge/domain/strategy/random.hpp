// SPDX-License-Identifier: Apache-2.0
// A small seeded generator for the household model (SplitMix64). The standard library's
// distributions differ between implementations, and a simulated year must be the same for a
// seed on every machine, so the model draws only through this.
#pragma once

#include <cstdint>

namespace sb::domain::strategy {

class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

}  // namespace sb::domain::strategy
