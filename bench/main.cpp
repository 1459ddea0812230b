// SPDX-License-Identifier: Apache-2.0
// sunbridge-bench: benchmark programs that print figures (docs/benchmarks.md). Never timed
// assertions: a benchmark measures, a test checks behaviour.
#include <unistd.h>

#include <filesystem>

#include <CLI/CLI.hpp>

#include "bench/outbox.hpp"
#include "bench/poll.hpp"

#ifndef SUNBRIDGE_SIM_PATH
#define SUNBRIDGE_SIM_PATH "sunbridge-sim"
#endif

int main(int argc, char** argv) {
  CLI::App app{"sunbridge-bench - performance figures"};
  app.require_subcommand(1);
  sb::bench::PollOptions poll;
  poll.sim_path = SUNBRIDGE_SIM_PATH;
  auto* cmd = app.add_subcommand("poll", "full poll cycles vs the 9600-baud physical limit");
  cmd->add_option("--cycles,-n", poll.cycles, "number of cycles")->check(CLI::Range(1, 100000));
  cmd->add_option("--baud", poll.baud, "line speed")->check(CLI::Range(1200, 115200));
  cmd->add_option("--sim", poll.sim_path, "sunbridge-sim binary");
  cmd->add_flag("--json", poll.json, "machine-readable figures");
  sb::bench::OutboxOptions outbox;
  auto* ob = app.add_subcommand("outbox", "MQTT outbox drain throughput (needs mosquitto)");
  ob->add_option("--records,-n", outbox.records, "backlog size")->check(CLI::Range(1, 10000000));
  ob->add_option("--inflight", outbox.max_inflight, "unacknowledged window")
      ->check(CLI::Range(1, 10000));
  ob->add_flag("--json", outbox.json, "machine-readable figures");
  CLI11_PARSE(app, argc, argv);
  if (cmd->parsed()) return sb::bench::run_poll(poll);
  if (ob->parsed()) return sb::bench::run_outbox(outbox);
  return 2;
}
