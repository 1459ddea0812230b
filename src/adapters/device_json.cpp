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

nlohmann::json learned_holes_to_json(const std::map<std::string, device::LearnedHoles>& holes) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, h] : holes) {
    out[key] = {{"breaks", h.breaks}, {"unsupported", h.unsupported}};
  }
  return out;
}

std::map<std::string, device::LearnedHoles> learned_holes_from_json(const nlohmann::json& doc) {
  std::map<std::string, device::LearnedHoles> out;
  if (!doc.is_object()) return out;
  auto addresses = [](const nlohmann::json& list, std::set<std::uint16_t>& into) {
    if (!list.is_array()) return false;
    for (const auto& a : list) {
      if (!a.is_number_unsigned() || a.get<unsigned>() > 0xFFFF) return false;
      into.insert(static_cast<std::uint16_t>(a.get<unsigned>()));
    }
    return true;
  };
  for (const auto& [key, h] : doc.items()) {
    if (!h.is_object()) continue;
    device::LearnedHoles learned;
    if (!addresses(h.value("breaks", nlohmann::json::array()), learned.breaks) ||
        !addresses(h.value("unsupported", nlohmann::json::array()), learned.unsupported)) {
      continue;
    }
    out[key] = std::move(learned);
  }
  return out;
}

}  // namespace sb::adapters
