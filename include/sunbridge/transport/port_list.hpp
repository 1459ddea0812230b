// SPDX-License-Identifier: Apache-2.0
// The serial ports this machine has (libserialport's enumeration), with the stable names an
// installer should write into the configuration: /dev/serial/by-id (the adapter's identity)
// and /dev/sunbridge/rs485-* (the USB port, from the package's udev rule).
#pragma once

#include <string>
#include <vector>

namespace sb::transport {

struct PortInfo {
  std::string device;       // "/dev/ttyUSB0"
  std::string description;  // "FT232R USB UART - FT232R USB UART"
  std::string usb_id;       // "0403:6001", empty when not USB
  std::string usb_serial;   // empty when the adapter has none (CH340)
  std::string by_id;        // "/dev/serial/by-id/usb-FTDI_...-if00-port0", empty when none
  std::string by_port;      // "/dev/sunbridge/rs485-...", empty when the rule did not match
  // The name to put in the configuration: by-id, else by-port, else the device.
  [[nodiscard]] const std::string& stable_name() const;
};

std::vector<PortInfo> list_serial_ports();

// The symlink in `directory` that resolves to `device` ("" when none).
std::string link_to(const std::string& directory, const std::string& device);

}  // namespace sb::transport
