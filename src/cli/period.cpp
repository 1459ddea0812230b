// SPDX-License-Identifier: Apache-2.0
#include "cli/period.hpp"

#include <chrono>
#include <iostream>

#include "sunbridge/core/local_time.hpp"

namespace sb::cli {

void add_period_options(CLI::App& command, Period& period) {
  command.add_option(
      "--since", period.since,
      "how far back: 6h, 2d, 1w, or since a date (2026-12-01) or date and time (2026-12-01 06:00)");
  command.add_option("--until", period.until,
                     "where to stop, in the same forms (a duration counts back from now: "
                     "--since 2d --until 1d); default now");
}

bool put_period(const Period& period, nlohmann::json& request) {
  const auto now = std::chrono::system_clock::now();
  for (const auto& [option, text] : {std::pair{"since", &period.since}, {"until", &period.until}}) {
    if (text->empty()) continue;
    if (!parse_since(*text, now)) {
      std::cerr << "sunbridge: --" << option << " '" << *text << "' is not " << kWhenForms << "\n";
      return false;
    }
    request[option] = *text;
  }
  return true;
}

}  // namespace sb::cli
