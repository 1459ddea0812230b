// SPDX-License-Identifier: Apache-2.0
// Strategies for the year simulation: a profile run through the same selection the daemon uses
// (Type B, Type A with the evening's forecast, Type A monthly, nine panels), and fixed settings.
// The selection reads local times in the process time zone: set the site's first.
#pragma once

#include <string>

#include "sunbridge/domain/profile.hpp"
#include "sunbridge/domain/selection.hpp"
#include "sunbridge/domain/strategy/year_simulation.hpp"

namespace sb::domain::strategy {

class ProfileStrategy : public Strategy {
 public:
  // `profile` and `library` must outlive the strategy. use_forecast: false never shows the
  // selection a forecast (a table run without weather).
  ProfileStrategy(std::string name, const Profile& profile, const ProfileLibrary& library,
                  WeatherPolicy policy = {}, bool use_forecast = true);
  [[nodiscard]] std::string name() const override { return name_; }
  ControlSettings choose(const Decision& decision) override;

 private:
  std::string name_;
  const Profile* profile_;
  const ProfileLibrary* library_;
  WeatherPolicy policy_;
  bool use_forecast_;
  WeatherMemory memory_;
};

class FixedStrategy : public Strategy {
 public:
  FixedStrategy(std::string name, ControlSettings settings)
      : name_(std::move(name)), settings_(settings) {}
  [[nodiscard]] std::string name() const override { return name_; }
  ControlSettings choose(const Decision&) override { return settings_; }

 private:
  std::string name_;
  ControlSettings settings_;
};

// How a forecast of the model's weather reads to the selection (sunny, cloudy, rainy).
DayKind day_kind(DayWeather w);

}  // namespace sb::domain::strategy
