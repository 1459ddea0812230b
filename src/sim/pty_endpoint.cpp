// SPDX-License-Identifier: Apache-2.0
#include "sim/pty_endpoint.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

namespace sb::sim {

Status PtyEndpoint::open(bool nonblocking) {
  if (master_ != -1) return {};
  int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | (nonblocking ? O_NONBLOCK : 0));
  if (master == -1 || ::grantpt(master) == -1 || ::unlockpt(master) == -1) {
    if (master != -1) ::close(master);
    return Error::io(errno, "cannot create a pseudo-terminal");
  }
  char name[128];
  if (::ptsname_r(master, name, sizeof name) != 0) {
    ::close(master);
    return Error::io(errno, "ptsname");
  }
  int slave = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave == -1) {
    ::close(master);
    return Error::io(errno, std::string("cannot open ") + name);
  }
  termios tio{};
  ::tcgetattr(slave, &tio);
  ::cfmakeraw(&tio);
  ::tcsetattr(slave, TCSANOW, &tio);
  if (!link_.empty()) {
    std::string tmp = link_ + ".tmp";
    ::unlink(tmp.c_str());
    if (::symlink(name, tmp.c_str()) == -1 || ::rename(tmp.c_str(), link_.c_str()) == -1) {
      int err = errno;
      ::close(slave);
      ::close(master);
      return Error::io(err, "cannot link " + link_ + " -> " + name);
    }
  }
  master_ = master;
  slave_ = slave;
  path_ = name;
  return {};
}

void PtyEndpoint::close() {
  if (master_ == -1) return;
  if (!link_.empty()) ::unlink(link_.c_str());
  ::close(slave_);
  ::close(master_);
  master_ = slave_ = -1;
  path_.clear();
}

}  // namespace sb::sim
