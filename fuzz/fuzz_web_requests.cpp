// SPDX-License-Identifier: Apache-2.0
// libFuzzer: the dashboard's request parameters and bodies (from any browser on the network),
// the Last-Event-ID header, and the history downsampling. A refusal always says why; what is
// accepted is within the limits the daemon relies on; control requests always carry cause web.
#include <cstdint>
#include <string>
#include <string_view>

#include "sunbridge/adapters/web/requests.hpp"
#include "sunbridge/core/text.hpp"

namespace {

using namespace sb::adapters::web;

// "k=v&k=v" as the HTTP server hands the parameters over (already decoded).
Query query_of(std::string_view text) {
  Query q;
  for (const std::string& part : sb::split(text, '&')) {
    const std::size_t eq = part.find('=');
    q.emplace(part.substr(0, eq), eq == std::string::npos ? std::string() : part.substr(eq + 1));
  }
  return q;
}

template <typename R>
void refusal_says_why(const R& r) {
  if (!r && r.error().detail.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (selector % 9) {
    case 0: {
      auto r = history_request(query_of(text));
      refusal_says_why(r);
      if (r) {
        const auto max = (*r)["max_points"].get<std::size_t>();
        if (max < 2 || max > kMaxChartPoints) __builtin_trap();
        if (r->contains("points") && (*r)["points"].size() > kMaxHistoryPoints) __builtin_trap();
      }
      break;
    }
    case 1:
      refusal_says_why(events_request(query_of(text)));
      break;
    case 2:
      refusal_says_why(chart_request(query_of(text)));
      break;
    case 3:
      refusal_says_why(report_request(query_of(text)));
      break;
    case 4: {
      auto r = param_request(text);
      refusal_says_why(r);
      if (r && (*r)["cause"] != "web") __builtin_trap();
      break;
    }
    case 5:
      refusal_says_why(override_request(text));
      break;
    case 6:
      refusal_says_why(login_password(text));
      break;
    case 7:
      (void)parse_last_event_id(text);
      break;
    case 8: {
      auto reply = nlohmann::json::parse(text, nullptr, false);
      if (reply.is_discarded()) break;
      const std::size_t max = 1 + selector / 9;
      auto out = downsample_history(reply, max);
      if (reply.is_object() && reply.contains("rows") && reply["rows"].is_array() &&
          reply["rows"].size() > max && out["rows"].size() > max) {
        __builtin_trap();
      }
      break;
    }
  }
  return 0;
}
