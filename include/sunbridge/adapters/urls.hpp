// SPDX-License-Identifier: Apache-2.0
// Addresses, apart from the clients that use them (Paho, libcurl): the configuration checks them,
// and the homeowner CLI reads them without linking those libraries.
#pragma once

#include <string>

namespace sb::adapters {

// Whether `url` names a loopback host (127.0.0.0/8, ::1, localhost).
bool is_loopback_url(const std::string& url);
// Whether `host` (no scheme, no port) is one.
bool is_loopback_host(const std::string& host);

}  // namespace sb::adapters
