// SPDX-License-Identifier: Apache-2.0
// libcurl's process-wide initialisation, done once before the first handle (forecasts, e-mail)
// whichever thread gets there first.
#pragma once

namespace sb::adapters {

void curl_global_init_once();

}  // namespace sb::adapters
