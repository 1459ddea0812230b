// SPDX-License-Identifier: Apache-2.0
// A pseudo-terminal standing in for a serial adapter: the simulator holds the master side, a
// client opens the slave through a stable symlink. Closing it is the adapter being unplugged.
#pragma once

#include <string>

#include "sunbridge/core/result.hpp"

namespace sb::sim {

class PtyEndpoint {
 public:
  explicit PtyEndpoint(std::string link_path) : link_(std::move(link_path)) {}
  ~PtyEndpoint() { close(); }
  PtyEndpoint(const PtyEndpoint&) = delete;
  PtyEndpoint& operator=(const PtyEndpoint&) = delete;

  // Creates the pty in raw mode (a cooked pty would echo replies back as requests before a
  // client configured it), keeps the slave open so the pty survives clients closing it, and
  // points the link at it. `nonblocking` masters drop writes nobody reads instead of stalling.
  Status open(bool nonblocking = false);
  void close();  // the link disappears too

  [[nodiscard]] bool is_open() const { return master_ != -1; }
  [[nodiscard]] int master_fd() const { return master_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& link() const { return link_; }

 private:
  std::string link_;
  std::string path_;
  int master_ = -1;
  int slave_ = -1;
};

}  // namespace sb::sim
