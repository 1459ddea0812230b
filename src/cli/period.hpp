// SPDX-License-Identifier: Apache-2.0
// --since and --until for the commands that read the past (history, events, pq, audit): the
// same options, help and checks everywhere; the daemon reads them with the same parser.
#pragma once

#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace sb::cli {

struct Period {
  std::string since;
  std::string until;  // empty: up to now
};

void add_period_options(CLI::App& command, Period& period);

// Puts the period into a request. False, with the reason on stderr, when a word does not read
// as parse_since reads it (exit 2: the command line is wrong, nothing was asked).
bool put_period(const Period& period, nlohmann::json& request);

}  // namespace sb::cli
