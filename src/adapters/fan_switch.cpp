// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/fan_switch.hpp"

#include <gpiod.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <utility>

#include "sunbridge/adapters/mqtt_client.hpp"
#include "sunbridge/adapters/run_program.hpp"
#include "sunbridge/core/text.hpp"
#include "sunbridge/core/worker_thread.hpp"

namespace sb::adapters {

namespace {

constexpr const char* kComponent = "cooling";

// A relay on a GPIO line through the kernel's character device (libgpiod 1.6). Setting a line
// is a single ioctl: done on the loop's thread.
class GpioFan final : public FanSwitch {
 public:
  GpioFan(const CoolingConfig& c, EventLoop& loop) : loop_(loop) {
    where_ = c.gpio_chip + " line " + std::to_string(c.gpio_line);
    chip_ = ::gpiod_chip_open_lookup(c.gpio_chip.c_str());
    if (chip_ == nullptr) {
      throw std::runtime_error("checks.fan.gpio: cannot open " + c.gpio_chip + ": " +
                               std::strerror(errno));
    }
    line_ = ::gpiod_chip_get_line(chip_, c.gpio_line);
    const int flags = c.gpio_active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
    if (line_ == nullptr || ::gpiod_line_request_output_flags(line_, "sunbridged", flags, 0) != 0) {
      const std::string why = std::strerror(errno);
      ::gpiod_chip_close(chip_);
      throw std::runtime_error("checks.fan.gpio: cannot drive " + where_ + ": " + why);
    }
  }
  ~GpioFan() override { ::gpiod_chip_close(chip_); }  // releases the line too
  GpioFan(const GpioFan&) = delete;
  GpioFan& operator=(const GpioFan&) = delete;

  void set(bool on, Done done) override {
    Status s = set_now(on);
    loop_.post([done = std::move(done), s] { done(s); });
  }
  Status set_now(bool on) override {
    if (::gpiod_line_set_value(line_, on ? 1 : 0) != 0) {
      return Error::io(errno, "cannot set " + where_);
    }
    return {};
  }
  [[nodiscard]] std::string describe() const override { return "GPIO " + where_; }

 private:
  EventLoop& loop_;
  std::string where_;
  gpiod_chip* chip_ = nullptr;
  gpiod_line* line_ = nullptr;
};

// Runs `argv` + "on"/"off" and waits for it, at most `timeout` (then kills it).
Status run_command(const std::vector<std::string>& argv, bool on,
                   std::chrono::milliseconds timeout) {
  std::vector<std::string> args = argv;
  args.emplace_back(on ? "on" : "off");
  auto run = run_program(args, {}, timeout);
  if (!run) return run.error();
  if (run->exit_status == 0) return {};
  return Error::io(0, describe_failure(args, *run));
}

// A command for anything else (a USB relay tool, a script): run off the loop, one at a time.
class CommandFan final : public FanSwitch {
 public:
  CommandFan(std::vector<std::string> argv, EventLoop& loop)
      : argv_(std::move(argv)), loop_(loop), worker_("sb-fan") {}

  void set(bool on, Done done) override {
    worker_.submit([this, on, done = std::move(done)] {
      Status s = run_command(argv_, on, kTimeout);
      loop_.post([done, s] { done(s); });
    });
  }
  Status set_now(bool on) override { return run_command(argv_, on, kTimeout); }
  [[nodiscard]] std::string describe() const override { return "command " + join(argv_, " "); }

 private:
  static constexpr std::chrono::milliseconds kTimeout{10000};
  std::vector<std::string> argv_;
  EventLoop& loop_;
  WorkerThread worker_;  // last: joined before the rest goes
};

// A smart plug over MQTT (Tasmota, Shelly, zigbee2mqtt...): the state is published retained
// on the plug's command topic, and again after every reconnect so a plug that missed it while
// the broker was away still ends up in the right state.
class MqttFan final : public FanSwitch {
 public:
  MqttFan(const CoolingConfig& c, EventLoop& loop, Logger& log)
      : config_(c), client_(c.mqtt, loop, log), log_(log) {
    client_.on_connected([this] {
      // What was asked while the broker was away is sent now and answered then; otherwise the
      // last state again, for a plug that missed it.
      if (wanted_) publish(*wanted_, std::exchange(pending_, nullptr));
    });
    client_.start();
  }

  void set(bool on, Done done) override {
    wanted_ = on;
    if (!client_.connected()) {
      pending_ = std::move(done);  // answered once the broker is there
      return;
    }
    publish(on, std::move(done));
  }
  Status set_now(bool on) override {
    return client_.publish_and_wait(config_.mqtt_topic, payload(on), config_.mqtt_retain,
                                    std::chrono::milliseconds(2000));
  }
  [[nodiscard]] std::string describe() const override {
    return "MQTT " + config_.mqtt_topic + " on " + client_.describe();
  }

 private:
  [[nodiscard]] const std::string& payload(bool on) const {
    return on ? config_.payload_on : config_.payload_off;
  }
  void publish(bool on, Done done) {
    auto shared = std::make_shared<Done>(std::move(done));
    Status s = client_.publish(config_.mqtt_topic, payload(on), 1, config_.mqtt_retain,
                               [shared](const Status& outcome) {
                                 if (*shared) std::exchange(*shared, nullptr)(outcome);
                               });
    if (!s) {
      log_.warn(kComponent, "cannot publish the fan state: " + s.error().describe());
      if (*shared) std::exchange(*shared, nullptr)(s);
    }
  }

  CoolingConfig config_;
  MqttClient client_;
  Logger& log_;
  std::optional<bool> wanted_;
  Done pending_;
};

}  // namespace

std::unique_ptr<FanSwitch> make_fan_switch(const CoolingConfig& config, EventLoop& loop,
                                           Logger& log) {
  if (config.backend == "gpio") return std::make_unique<GpioFan>(config, loop);
  if (config.backend == "command") return std::make_unique<CommandFan>(config.command, loop);
  if (config.backend == "mqtt") return std::make_unique<MqttFan>(config, loop, log);
  return nullptr;
}

}  // namespace sb::adapters
