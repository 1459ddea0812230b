// SPDX-License-Identifier: Apache-2.0
// How much the four-parameter control space itself leaves on the table: the cheapest hourly
// schedule of charge and discharge for the same battery, sunlight, load and tariff, free of the
// inverter's rules (no slots, no 61/62 switching, any hour may charge from the grid or
// discharge), by dynamic programming over SOC. A bound, not something this inverter can do.
// docs/strategy.md "The optimum".
#pragma once

#include "sunbridge/domain/strategy/inverter_model.hpp"
#include "sunbridge/domain/strategy/year_inputs.hpp"

namespace sb::domain::strategy {

struct BoundOptions {
  double soc_step_pct = 0.1;       // coarser steps waste sunlight between them (0.5 %: +1.7 % cost)
  double max_charge_kw = 5.4;      // 100 A at 54 V (07's limit)
  double max_discharge_kw = 10.0;  // the inverter's rated output
};

struct BoundResult {
  double energy_yen = 0;
  double grid_kwh = 0;
};

// Starts at `start_soc_pct` and may end at any charge; SOC stays within the discharge stop (59)
// and 100 %.
BoundResult unconstrained_bound(const YearInputs& in, const InverterModel& model,
                                const BoundOptions& options = {}, double start_soc_pct = 50);

}  // namespace sb::domain::strategy
