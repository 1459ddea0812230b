// SPDX-License-Identifier: Apache-2.0
// sunbridge-bench: benchmark programs that print figures (docs/benchmarks.md). Never timed
// assertions: a benchmark measures, a test checks behaviour.
#include <unistd.h>

#include <filesystem>

#include <CLI/CLI.hpp>

#include "bench/cli.hpp"
#include "bench/dashboard.hpp"
#include "bench/history.hpp"
#include "bench/memory.hpp"
#include "bench/outbox.hpp"
#include "bench/poll.hpp"
#include "bench/poll_solarman.hpp"
#include "bench/strategy.hpp"

#ifndef SUNBRIDGE_SIM_PATH
#define SUNBRIDGE_SIM_PATH "sunbridge-sim"
#endif
#ifndef SUNBRIDGE_METER_CSV
#define SUNBRIDGE_METER_CSV "grid_daily_kwh.csv"
#endif
#ifndef SUNBRIDGED_PATH
#define SUNBRIDGED_PATH "sunbridged"
#endif
#ifndef SUNBRIDGE_CLI_PATH
#define SUNBRIDGE_CLI_PATH "sunbridge"
#endif

int main(int argc, char** argv) {
  CLI::App app{"sunbridge-bench - performance figures"};
  app.require_subcommand(1);
  sb::bench::PollOptions poll;
  poll.sim_path = SUNBRIDGE_SIM_PATH;
  auto* cmd = app.add_subcommand("poll", "full poll cycles vs the 9600-baud physical limit");
  cmd->add_option("--cycles,-n", poll.cycles, "number of cycles")->check(CLI::Range(1, 100000));
  cmd->add_option("--baud", poll.baud, "line speed")->check(CLI::Range(1200, 115200));
  cmd->add_option("--rounds", poll.rounds, "rounds interleaved with the floor loop (medians)")
      ->check(CLI::Range(1, 100));
  cmd->add_option("--sim", poll.sim_path, "sunbridge-sim binary");
  cmd->add_flag("--json", poll.json, "machine-readable figures");
  std::string transport = "rtu";
  sb::bench::SolarmanPollOptions solarman;
  cmd->add_option("--transport", transport,
                  "rtu (the pty at --baud, with the floor) or solarman (a simulated Wi-Fi logger)")
      ->check(CLI::IsMember({"rtu", "solarman"}));
  cmd->add_option("--latency-ms", solarman.latency_ms, "solarman: the logger's answer time")
      ->check(CLI::Range(0, 10000));
  sb::bench::OutboxOptions outbox;
  auto* ob = app.add_subcommand("outbox", "MQTT outbox drain throughput (needs mosquitto)");
  ob->add_option("--records,-n", outbox.records, "backlog size")->check(CLI::Range(1, 10000000));
  ob->add_option("--inflight", outbox.max_inflight, "unacknowledged window")
      ->check(CLI::Range(1, 10000));
  ob->add_flag("--json", outbox.json, "machine-readable figures");
  sb::bench::CliOptions cli{50, SUNBRIDGE_SIM_PATH, SUNBRIDGED_PATH, SUNBRIDGE_CLI_PATH, false};
  auto* cl = app.add_subcommand("cli", "the homeowner CLI: status --json wall time, libraries");
  cl->add_option("--runs,-n", cli.runs, "runs per figure")->check(CLI::Range(1, 10000));
  cl->add_option("--sim", cli.sim_path, "sunbridge-sim binary");
  cl->add_option("--daemon", cli.daemon_path, "sunbridged binary");
  cl->add_option("--cli", cli.cli_path, "sunbridge binary");
  cl->add_flag("--json", cli.json, "machine-readable figures");
  sb::bench::MemoryOptions memory{30, SUNBRIDGE_SIM_PATH, SUNBRIDGED_PATH, SUNBRIDGE_CLI_PATH,
                                  false};
  auto* me = app.add_subcommand("memory", "the daemon's RSS with the packs and MQTT on");
  me->add_option("--seconds", memory.seconds, "how long the daemon runs first")
      ->check(CLI::Range(1, 3600));
  me->add_flag("--json", memory.json, "machine-readable figures");
  sb::bench::HistoryOptions history;
  auto* hi = app.add_subcommand("history", "bytes per day per history tier, a year's database");
  hi->add_option("--days", history.days, "days for the per-day figures")->check(CLI::Range(1, 60));
  hi->add_option("--year-days", history.year_days, "days for the database size (0: skip)")
      ->check(CLI::Range(0, 3650));
  hi->add_option("--commit-s", history.commit_s, "seconds between commits")
      ->check(CLI::Range(10, 3600));
  hi->add_option("--prune-s", history.prune_s, "seconds between prunes")
      ->check(CLI::Range(60, 86400));
  hi->add_flag("--json", history.json, "machine-readable figures");
  sb::bench::StrategyOptions strategy;
  auto* st =
      app.add_subcommand("strategy", "a simulated year under each settings strategy, in yen");
  st->add_option("--year-seed", strategy.first_seed, "weather and load seed of the (first) year");
  st->add_option("--years", strategy.seeds, "seeded years, from --year-seed on")
      ->check(CLI::Range(1, 100));
  st->add_option("--panels", strategy.panels, "panels of 410 W")->check(CLI::IsMember({6, 9, 12}));
  st->add_option("--tariff", strategy.tariff, "shipped tariff")
      ->check(CLI::IsMember({"shikoku-seasonal-tou", "bill-derived"}));
  st->add_option("--slot1", strategy.slot1, "slot 1 charges, delivers nothing (field), or both")
      ->check(CLI::IsMember({"charges", "none", "both"}));
  st->add_flag("!--no-optimum", strategy.optimum,
               "leave out the perfect-foresight optimum (minutes)");
  st->add_option("--soc-step", strategy.soc_step_pct, "the optimum's SOC grid, %")
      ->check(CLI::Range(0.25, 10.0));
  st->add_option("--min-saving", strategy.min_saving_yen_per_write,
                 "automatic mode: yen a change must save per parameter written")
      ->check(CLI::Range(0.0, 100000.0));
  st->add_option("--threads", strategy.threads, "threads for the optimum")
      ->check(CLI::Range(1, 64));
  strategy.meter_csv = SUNBRIDGE_METER_CSV;
  st->add_option("--meter", strategy.meter_csv, "daily grid import CSV to calibrate on");
  st->add_flag("--json", strategy.json, "machine-readable figures");
  sb::bench::DashboardOptions dashboard;
  dashboard.sim_path = SUNBRIDGE_SIM_PATH;
  dashboard.daemon_path = SUNBRIDGED_PATH;
  auto* da = app.add_subcommand("dashboard", "the web dashboard's page weight, CPU and memory");
  da->add_option("--seconds", dashboard.seconds, "measured seconds per run")
      ->check(CLI::Range(1, 3600));
  da->add_option("--clients", dashboard.clients, "live views attached")->check(CLI::Range(0, 20));
  da->add_option("--sim", dashboard.sim_path, "sunbridge-sim binary");
  da->add_option("--daemon", dashboard.daemon_path, "sunbridged binary");
  da->add_flag("--json", dashboard.json, "machine-readable figures");
  CLI11_PARSE(app, argc, argv);
  if (da->parsed()) return sb::bench::run_dashboard(dashboard);
  if (st->parsed()) return sb::bench::run_strategy(strategy);
  if (hi->parsed()) return sb::bench::run_history(history);
  if (cl->parsed()) return sb::bench::run_cli(cli);
  if (me->parsed()) return sb::bench::run_memory(memory);
  if (cmd->parsed() && transport == "solarman") {
    solarman.cycles = poll.cycles;
    solarman.sim_path = poll.sim_path;
    solarman.json = poll.json;
    return sb::bench::run_poll_solarman(solarman);
  }
  if (cmd->parsed()) return sb::bench::run_poll(poll);
  if (ob->parsed()) return sb::bench::run_outbox(outbox);
  return 2;
}
