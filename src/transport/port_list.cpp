// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/transport/port_list.hpp"

#include <libserialport.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace sb::transport {

const std::string& PortInfo::stable_name() const {
  if (!by_id.empty()) return by_id;
  if (!by_port.empty()) return by_port;
  return device;
}

std::string link_to(const std::string& directory, const std::string& device) {
  std::error_code ec;
  const auto target = std::filesystem::canonical(device, ec);
  if (ec) return "";
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    std::error_code ec2;
    if (std::filesystem::canonical(entry.path(), ec2) == target && !ec2) {
      found.push_back(entry.path().string());
    }
  }
  std::sort(found.begin(), found.end());
  return found.empty() ? "" : found.front();
}

std::vector<PortInfo> list_serial_ports() {
  std::vector<PortInfo> out;
  sp_port** ports = nullptr;
  if (sp_list_ports(&ports) != SP_OK || ports == nullptr) return out;
  for (int i = 0; ports[i] != nullptr; ++i) {
    const sp_port* p = ports[i];
    PortInfo info;
    const char* name = sp_get_port_name(p);
    if (name == nullptr) continue;
    info.device = name;
    if (const char* d = sp_get_port_description(p)) info.description = d;
    if (sp_get_port_transport(p) == SP_TRANSPORT_USB) {
      int vid = 0, pid = 0;
      if (sp_get_port_usb_vid_pid(p, &vid, &pid) == SP_OK) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04x:%04x", vid & 0xffff, pid & 0xffff);
        info.usb_id = buf;
      }
      if (const char* s = sp_get_port_usb_serial(p)) info.usb_serial = s;
    }
    info.by_id = link_to("/dev/serial/by-id", info.device);
    info.by_port = link_to("/dev/sunbridge", info.device);
    out.push_back(std::move(info));
  }
  sp_free_port_list(ports);
  std::sort(out.begin(), out.end(),
            [](const PortInfo& a, const PortInfo& b) { return a.device < b.device; });
  return out;
}

}  // namespace sb::transport
