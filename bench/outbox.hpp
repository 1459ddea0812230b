// SPDX-License-Identifier: Apache-2.0
// `sunbridge-bench outbox`: drain throughput of the durable MQTT outbox (QoS 1, to a local
// mosquitto) for a large backlog, and the disk bytes per stored record.
#pragma once

#include <cstdint>
#include <string>

namespace sb::bench {

struct OutboxOptions {
  std::int64_t records = 100000;
  int max_inflight = 100;
  std::string mosquitto = "/usr/sbin/mosquitto";
  bool json = false;
};

int run_outbox(const OutboxOptions& options);

}  // namespace sb::bench
