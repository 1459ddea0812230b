// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/device_json.hpp"

#include <cstdio>

#include "sunbridge/adapters/point_json.hpp"

namespace sb::adapters {

using nlohmann::json;

namespace {

json reading_to_json(const device::SurveyReading& r) {
  json j;
  j["name"] = r.row->name;
  j["label"] = r.row->label;
  j["register"] = protocol::format_address(r.row->address);
  if (!r.row->lcd.empty()) j["lcd"] = r.row->lcd;
  j["confidence"] = std::string(1, r.row->confidence);
  j["raw"] = r.raw;
  j["value"] = value_to_json(r.value);
  j["unit"] = r.row->unit;
  if (!r.error.empty()) j["error"] = r.error;
  if (!r.note.empty()) j["note"] = r.note;
  return j;
}

}  // namespace

json link_stats_to_json(const device::LinkStats& s) {
  return {
      {"transactions", s.transactions}, {"retries", s.retries},       {"timeouts", s.timeouts},
      {"crc_errors", s.crc_errors},     {"exceptions", s.exceptions}, {"malformed", s.malformed},
      {"disconnects", s.disconnects},   {"opens", s.opens},           {"last_error", s.last_error}};
}

json survey_to_json(const device::Survey& survey) {
  json j;
  j["port"] = survey.port;
  j["identity"] = json::array();
  for (const auto& r : survey.identity)
    j["identity"].push_back(reading_to_json(r));
  j["verification"] = json::array();
  for (const auto& r : survey.verification)
    j["verification"].push_back(reading_to_json(r));
  j["stats"] = link_stats_to_json(survey.stats);
  return j;
}

}  // namespace sb::adapters
