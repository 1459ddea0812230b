// SPDX-License-Identifier: Apache-2.0
// Once a day, after 07:10 local time (the night is over), the guide's KPIs of the last complete
// days: the daytime grid dependency from the energy book, the night charge from the recorded
// SOC; an action line crossed raises an event with the guide's response (docs/reports.md).
// Acts on the wall clock: nothing while it is not trusted.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/app/tariff_service.hpp"
#include "sunbridge/core/event.hpp"
#include "sunbridge/domain/kpi.hpp"

namespace sb::app {

class KpiReview {
 public:
  KpiReview(adapters::HistoryStore& history, const TariffService& tariff,
            std::function<void(const Event&)> record_event);

  void run(WallTime now, bool clock_trusted);
  // The figures of `day` ("2026-12-01"): grid dependency that day, night charge the night after.
  [[nodiscard]] domain::DayKpis day_kpis(const std::string& day);

 private:
  adapters::HistoryStore& history_;
  const TariffService& tariff_;
  std::function<void(const Event&)> record_event_;
  std::optional<std::string> reviewed_;  // the last morning reviewed (kept in the state table)
};

}  // namespace sb::app
