// SPDX-License-Identifier: Apache-2.0
// The inverter points of the point vocabulary (docs/points.md) (BMS, profile and link points of
// later issues are not listed here). Unit tests check the map covers them; integration tests check
// the daemon publishes them.
#pragma once

namespace sb::test {

inline constexpr const char* kInverterPointsMd[] = {"battery.soc",
                                                    "battery.voltage",
                                                    "battery.current",
                                                    "battery.power",
                                                    "battery.temperature",
                                                    "pv.power",
                                                    "pv1.voltage",
                                                    "pv1.current",
                                                    "pv1.power",
                                                    "pv2.voltage",
                                                    "pv2.current",
                                                    "pv2.power",
                                                    "grid.l1.voltage",
                                                    "grid.l2.voltage",
                                                    "grid.l1.current",
                                                    "grid.l2.current",
                                                    "grid.frequency",
                                                    "grid.power",
                                                    "output.l1.voltage",
                                                    "output.l2.voltage",
                                                    "output.frequency",
                                                    "load.l1.power",
                                                    "load.l2.power",
                                                    "load.power",
                                                    "load.apparent_power",
                                                    "inverter.state",
                                                    "inverter.faults",
                                                    "inverter.charge_state",
                                                    "inverter.temp.dcdc",
                                                    "inverter.temp.dcac",
                                                    "inverter.temp.transformer",
                                                    "inverter.temp.ambient",
                                                    "energy.pv.today",
                                                    "energy.load.today",
                                                    "energy.grid.today"};

}  // namespace sb::test
