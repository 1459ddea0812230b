// SPDX-License-Identifier: Apache-2.0
#include "sim/control.hpp"

#include <chrono>

namespace sb::sim {

using nlohmann::json;

namespace {

json ok(json extra = json::object()) {
  extra["ok"] = true;
  return extra;
}

json fail(const std::string& why) {
  return {{"ok", false}, {"error", why}};
}

std::uint16_t address_arg(const json& v) {
  if (v.is_string())
    return static_cast<std::uint16_t>(std::stoul(v.get<std::string>(), nullptr, 0));
  return v.get<std::uint16_t>();
}

}  // namespace

json control(SimState& sim, const json& request) {
  try {
    const std::string cmd = request.value("cmd", "");
    if (cmd == "ping") return ok({{"pty", sim.server.pty_path()}});
    if (cmd == "dump") {
      json faults = json::array();
      for (auto f : sim.model.faults)
        faults.push_back(f);
      return ok({{"values", sim.model.values()},
                 {"machine_state", sim.model.machine_state},
                 {"charge_state", sim.model.charge_state},
                 {"faults", faults},
                 {"serial", sim.model.serial},
                 {"build_time", sim.model.build_time},
                 {"clock_offset_s", sim.image.clock_offset.count()},
                 {"running", sim.image.running()},
                 {"frozen", sim.model.frozen()},
                 {"present", sim.server.present()},
                 {"pty", sim.server.pty_path()}});
    }
    if (cmd == "set") {
      if (!sim.model.set(request.at("name").get<std::string>(),
                         request.at("value").get<double>())) {
        return fail("unknown value '" + request.at("name").get<std::string>() + "'");
      }
      return ok();
    }
    if (cmd == "get-reg") {
      const std::uint16_t address = address_arg(request.at("address"));
      const int count = request.value("count", 1);
      json words = json::array();
      for (int i = 0; i < count; ++i)
        words.push_back(sim.image.raw(static_cast<std::uint16_t>(address + i)));
      return ok({{"words", words}});
    }
    if (cmd == "poke") {
      if (!sim.image.poke(address_arg(request.at("address")),
                          request.at("value").get<std::uint16_t>())) {
        return fail("address not implemented");
      }
      return ok();
    }
    if (cmd == "state") {
      sim.model.machine_state = request.at("value").get<std::uint16_t>();
      return ok();
    }
    if (cmd == "charge-state") {
      sim.model.charge_state = request.at("value").get<std::uint16_t>();
      return ok();
    }
    if (cmd == "faults") {
      auto codes = request.at("codes").get<std::vector<std::uint16_t>>();
      codes.resize(4, 0);
      sim.model.faults = codes;
      return ok();
    }
    if (cmd == "fan") {  // the inverter's fans wearing out: 0 = new, 1 = twice the rise
      sim.model.set_fan_degradation(request.at("degradation").get<double>());
      return ok({{"degradation", sim.model.fan_degradation()}});
    }
    if (cmd == "replay") {
      if (sim.replay == nullptr) return fail("not replaying (start with --replay FILE)");
      return ok({{"position", sim.replay->position()},
                 {"rows", sim.replay->size()},
                 {"finished", sim.replay->finished()}});
    }
    if (cmd == "freeze") {
      sim.model.set_frozen(request.value("on", true));
      return ok();
    }
    if (cmd == "drop") {
      sim.faults.drop_next = request.value("count", 1);
      return ok();
    }
    if (cmd == "corrupt") {
      sim.faults.corrupt_next = request.value("count", 1);
      return ok();
    }
    if (cmd == "noise") {
      sim.faults.noise_next = request.value("count", 1);
      return ok();
    }
    if (cmd == "drop-rate") {
      sim.faults.drop_rate = request.at("value").get<double>();
      return ok();
    }
    if (cmd == "corrupt-rate") {
      sim.faults.corrupt_rate = request.at("value").get<double>();
      return ok();
    }
    if (cmd == "delay") {
      sim.faults.extra_delay = std::chrono::milliseconds(request.at("ms").get<int>());
      return ok();
    }
    if (cmd == "turnaround") {
      sim.server.options().turnaround =
          std::chrono::microseconds(request.at("ms").get<int>() * 1000);
      return ok();
    }
    if (cmd == "pacing") {
      sim.server.options().pacing = request.value("on", true);
      return ok();
    }
    if (cmd == "disappear") {
      sim.server.disappear();
      return ok();
    }
    if (cmd == "appear") {
      if (Status s = sim.server.appear(); !s) return fail(s.error().describe());
      return ok({{"pty", sim.server.pty_path()}});
    }
    if (cmd == "clock-offset") {
      sim.image.clock_offset = std::chrono::seconds(request.at("seconds").get<long long>());
      return ok();
    }
    if (cmd == "hole") {
      sim.image.firmware().extra_holes.emplace_back(address_arg(request.at("first")),
                                                    address_arg(request.at("last")));
      return ok();
    }
    if (cmd == "clear-holes") {
      sim.image.firmware().extra_holes.clear();
      return ok();
    }
    if (cmd == "write-log") {
      json log = json::array();
      for (const WriteRecord& w : sim.image.write_log) {
        log.push_back({{"address", w.address}, {"values", w.values}, {"exception", w.exception}});
      }
      if (request.value("clear", false)) sim.image.write_log.clear();
      return ok({{"writes", log}});
    }
    if (cmd == "fail-write") {
      WriteFault f;
      f.exception = request.value("exception", 0);
      f.ignore = request.value("ignore", false);
      f.count = request.value("count", 1);
      if ((f.exception == 0) == !f.ignore) return fail("give exception N or ignore: true");
      sim.image.write_faults[address_arg(request.at("address"))] = f;
      return ok();
    }
    if (cmd == "stats") {
      const auto& s = sim.server.stats();
      return ok({{"requests", s.requests},
                 {"replies", s.replies},
                 {"exceptions", s.exceptions},
                 {"dropped", s.dropped},
                 {"corrupted", s.corrupted},
                 {"bad_frames", s.bad_frames},
                 {"other_slave", s.other_slave},
                 {"writes", s.writes}});
    }
    if (cmd == "solarman" || cmd == "solarman-reset") {
      if (sim.solarman == nullptr) return fail("no Solarman logger (--solarman-port)");
      if (cmd == "solarman-reset") {
        sim.solarman->reset_connections();
        return ok();
      }
      if (request.contains("address")) {  // the logger got another address from DHCP
        if (Status s = sim.solarman->move_to(request["address"].get<std::string>()); !s) {
          return fail(s.error().describe());
        }
      }
      auto& q = sim.solarman->quirks();
      q.mute = request.value("mute", q.mute);
      q.double_crc = request.value("double_crc", q.double_crc);
      q.heartbeat_every = request.value("heartbeat_every", q.heartbeat_every);
      q.junk_every = request.value("junk_every", q.junk_every);
      q.stub_every = request.value("stub_every", q.stub_every);
      q.thief_every = request.value("thief_every", q.thief_every);
      q.latency = std::chrono::milliseconds(request.value("latency_ms", q.latency.count()));
      const auto& s = sim.solarman->stats();
      return ok({{"requests", s.requests},
                 {"replies", s.replies},
                 {"wrong_serial", s.wrong_serial},
                 {"connections", s.connections},
                 {"resets", s.resets},
                 {"mute", q.mute},
                 {"address", sim.solarman->address()}});
    }
    if (cmd == "pack-dump") return ok({{"values", sim.packs.dump()}, {"packs", sim.packs.count()}});
    if (cmd == "pack-silent" || cmd == "pack-fault" || cmd == "pack-set" || cmd == "pack-serial") {
      SimPack* p = sim.packs.find(request.at("pack").get<int>());
      if (p == nullptr) return fail("no pack " + request.at("pack").dump());
      if (cmd == "pack-silent") {
        p->silent = request.value("on", true);
      } else if (cmd == "pack-serial") {  // the pack swapped for another one: a new serial
        const std::string serial = request.at("serial").get<std::string>();
        if (serial.empty() || serial.size() > 20) return fail("a serial has 1 to 20 characters");
        p->serial = serial;
      } else if (cmd == "pack-fault") {
        const std::string f = request.at("fault").get<std::string>();
        if (f == "none") {
          p->fault = PackFault::kNone;
        } else if (f == "over-temperature") {
          p->fault = PackFault::kOverTemperature;
        } else if (f == "cell-over-voltage") {
          p->fault = PackFault::kCellOverVoltage;
        } else {
          return fail("faults: none, over-temperature, cell-over-voltage");
        }
      } else {
        const std::string name = request.at("name").get<std::string>();
        const double v = request.at("value").get<double>();
        if (name == "soc_offset") {
          p->soc_offset_pct = v;
        } else if (name == "cycles") {
          p->cycles = static_cast<int>(v);
        } else if (name == "full") {
          p->full_ah = v;
        } else {
          return fail("pack values: soc_offset, cycles, full");
        }
      }
      sim.packs.step();
      return ok();
    }
    if (cmd == "pack-corrupt") {
      const int n = request.value("count", 1);
      const std::string link = request.value("link", "all");
      if (link != "all" && link != "modbus" && link != "ascii" && link != "sniff") {
        return fail("link: all, modbus, ascii or sniff");
      }
      if (link == "all" || link == "modbus") sim.pack_faults.corrupt_modbus = n;
      if (link == "all" || link == "ascii") sim.pack_faults.corrupt_ascii = n;
      if (link == "all" || link == "sniff") sim.pack_faults.corrupt_sniff = n;
      return ok();
    }
    if (cmd == "pack-stats") {
      json out = json::object();
      auto put = [&](const char* key, const PackServeStats* st) {
        if (st == nullptr) return;
        out[key] = {{"requests", st->requests},
                    {"answers", st->answers},
                    {"corrupted", st->corrupted},
                    {"bytes_from_listener", st->bytes_from_listener},
                    {"exchanges", st->exchanges}};
      };
      put("modbus", sim.pack_modbus ? &sim.pack_modbus->stats() : nullptr);
      put("ascii", sim.pack_ascii ? &sim.pack_ascii->stats() : nullptr);
      put("sniff", sim.sniff ? &sim.sniff->stats() : nullptr);
      return ok(out);
    }
    return fail("unknown command '" + cmd + "'");
  } catch (const std::exception& e) {
    return fail(std::string("bad request: ") + e.what());
  }
}

}  // namespace sb::sim
