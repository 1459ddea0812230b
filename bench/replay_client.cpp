// SPDX-License-Identifier: Apache-2.0
#include "bench/replay_client.hpp"

namespace sb::bench {

Status ReplayClient::open() {
  if (recording_) return real_.open();
  return {};
}

Result<std::vector<std::uint16_t>> ReplayClient::read_holding(std::uint16_t address,
                                                              std::uint16_t count) {
  if (recording_) {
    auto words = real_.read_holding(address, count);
    if (words) answers_[{address, count}] = *words;
    return words;
  }
  if (between_) between_();
  auto it = answers_.find({address, count});
  if (it == answers_.end()) return Error::invalid("not recorded: a read the real run did not make");
  return it->second;
}

Status ReplayClient::write_single(std::uint16_t, std::uint16_t) {
  return Error::invalid("the replay is read-only");
}

Status ReplayClient::write_multiple(std::uint16_t, std::span<const std::uint16_t>) {
  return Error::invalid("the replay is read-only");
}

}  // namespace sb::bench
