// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/device/inverter_survey.hpp"

namespace sb::device {

namespace {

std::vector<SurveyReading> read_rows(InverterLink& link,
                                     const std::vector<const protocol::RegisterRow*>& rows) {
  std::vector<SurveyReading> out;
  auto blocks = protocol::plan_blocks(rows, link.constraints(), {});
  for (const auto& block : blocks) {
    auto words = link.read_registers(block.start, block.count);
    for (const auto* row : block.rows) {
      SurveyReading r;
      r.row = row;
      if (!words) {
        // One failed block must not hide the rows in it: retry them one by one.
        auto single = link.read_registers(row->address, row->length);
        if (!single) {
          r.error = single.error().describe();
          out.push_back(std::move(r));
          continue;
        }
        r.raw = *single;
      } else {
        auto first = words->begin() + (row->address - block.start);
        r.raw.assign(first, first + row->length);
      }
      auto value = protocol::decode(*row, r.raw, link.decode_context());
      if (value) {
        r.value = std::move(*value);
      } else {
        r.error = value.error().describe();
      }
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace

Survey survey(InverterLink& link, const protocol::RegisterMap& map) {
  Survey s;
  s.port = link.describe_port();
  // A poll of the identity group also teaches the link the voltage factor and protocol.
  (void)link.poll(protocol::Group::kIdentity);
  s.identity = read_rows(link, map.group(protocol::Group::kIdentity));
  std::vector<const protocol::RegisterRow*> rows;
  for (const auto& item : map.onsite_verification())
    rows.push_back(map.find_lcd(item.lcd));
  auto readings = read_rows(link, rows);
  // Keep the list's order (the installer's order), not address order.
  for (const auto& item : map.onsite_verification()) {
    for (auto& r : readings) {
      if (r.row->lcd != item.lcd) continue;
      if (!r.raw.empty()) {
        if (auto it = item.raw_notes.find(r.raw[0]); it != item.raw_notes.end()) {
          r.note = it->second;
        } else if (!item.raw_notes.empty()) {
          r.note = "unexpected raw value: compare with the LCD";
        }
      }
      s.verification.push_back(r);
    }
  }
  s.stats = link.stats();
  return s;
}

}  // namespace sb::device
