// SPDX-License-Identifier: Apache-2.0
// Outbound with libcurl in this process: what sunbridge-fetch runs (and what tests may use).
#pragma once

#include <memory>

#include "sunbridge/adapters/outbound.hpp"

namespace sb::adapters {

std::unique_ptr<Outbound> make_curl_outbound();

}  // namespace sb::adapters
