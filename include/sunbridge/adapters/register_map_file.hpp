// SPDX-License-Identifier: Apache-2.0
// The register map in use: the one compiled in, or the installer's file (inverter.register_map).
#pragma once

#include <string>

#include "sunbridge/protocol/register_map.hpp"

namespace sb::adapters {

// The embedded map when `path` is empty, else the file, checked against the map's schema.
// Throws std::runtime_error with every problem (start-up only).
protocol::RegisterMap load_register_map(const std::string& path);

}  // namespace sb::adapters
