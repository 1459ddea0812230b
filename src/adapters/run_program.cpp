// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/run_program.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

extern char** environ;

namespace sb::adapters {

namespace {

constexpr std::size_t kMaxErrors = 64u << 10;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int* out() { return &fd_; }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read, write;
  bool open() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    *read.out() = fds[0];
    *write.out() = fds[1];
    return true;
  }
};

// A write to a program that has closed its input raises SIGPIPE; this thread blocks it for the
// run and takes a pending one away afterwards, so nothing else in the process sees it.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~SigpipeBlock() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    const timespec zero{0, 0};
    while (::sigtimedwait(&set, nullptr, &zero) == SIGPIPE) {
    }
    ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t old_{};
};

int status_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

}  // namespace

Result<ProgramRun> run_program(const std::vector<std::string>& argv, std::string_view input,
                               std::chrono::milliseconds timeout, const RunOptions& options) {
  const std::vector<std::string>* environment = options.environment;
  if (argv.empty() || argv[0].empty()) return Error::invalid("no program to run");
  Pipe in, out, err;
  if (!in.open() || !out.open() || !err.open()) return Error::io(errno, "cannot make a pipe");
  SigpipeBlock no_sigpipe;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write.get(), STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGHUP);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> args = argv;
  std::vector<char*> cargs = exec_argv(args);
  std::vector<std::string> env_entries;
  std::vector<char*> cenv;
  if (environment != nullptr) {
    env_entries = *environment;
    cenv = exec_argv(env_entries);
  }
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, cargs[0], &actions, &attr, cargs.data(),
                                environment != nullptr ? cenv.data() : environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return Error::invalid("cannot run " + argv[0] + ": " + std::strerror(rc));
  in.read.reset();
  out.write.reset();
  err.write.reset();
  ::fcntl(in.write.get(), F_SETFL, O_NONBLOCK);

  ProgramRun run;
  std::size_t written = 0;
  if (input.empty()) in.write.reset();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool stopping = false;
  // A stop asked for shortens what is left to the grace.
  const auto check_stop = [&] {
    if (stopping || options.stop == nullptr || !options.stop->load()) return;
    stopping = true;
    deadline = std::min(deadline, std::chrono::steady_clock::now() + options.stop_grace);
  };
  // Waits are cut short so that a stop is seen soon.
  const long long max_wait_ms = options.stop != nullptr ? 100 : 1000;
  bool timed_out = false;
  while (out.read.get() >= 0 || err.read.get() >= 0) {
    check_stop();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[3] = {
        {in.write.get(), POLLOUT, 0}, {out.read.get(), POLLIN, 0}, {err.read.get(), POLLIN, 0}};
    const int n = ::poll(fds, 3, static_cast<int>(std::min<long long>(left.count(), max_wait_ms)));
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    if (fds[0].revents & (POLLOUT | POLLERR | POLLHUP)) {
      const ssize_t w = ::write(in.write.get(), input.data() + written, input.size() - written);
      if (w > 0) written += static_cast<std::size_t>(w);
      if (w < 0 && errno != EAGAIN && errno != EINTR) written = input.size();  // it stopped reading
      if (written >= input.size()) in.write.reset();
    }
    auto drain = [](pollfd& p, Fd& fd, std::string& into, std::size_t max) {
      if (!(p.revents & (POLLIN | POLLHUP | POLLERR))) return;
      char buffer[8192];
      const ssize_t r = ::read(fd.get(), buffer, sizeof buffer);
      if (r > 0) {
        into.append(buffer,
                    std::min(static_cast<std::size_t>(r), max - std::min(max, into.size())));
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        fd.reset();
      }
    };
    drain(fds[1], out.read, run.output, options.max_output_bytes);
    drain(fds[2], err.read, run.errors, kMaxErrors);
  }
  int wait_status = 0;
  if (!timed_out) {
    // Output closed: the program is ending; wait for it within what is left of the time.
    while (::waitpid(pid, &wait_status, WNOHANG) == 0) {
      check_stop();
      if (std::chrono::steady_clock::now() > deadline) {
        timed_out = true;
        break;
      }
      ::usleep(5000);
    }
    if (!timed_out) {
      run.exit_status = status_of(wait_status);
      // 127 is the spawned child's own "could not exec" (glibc reports that as an error
      // itself, but not under every emulator, e.g. qemu-user), and a shell's "not found".
      if (run.exit_status == 127) {
        return Error::invalid("cannot run " + argv[0] + " (not found or not executable)");
      }
      return run;
    }
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &wait_status, 0);
  if (stopping) {
    return Error::timeout(argv[0] + " was stopped: the daemon is stopping");
  }
  return Error::timeout(argv[0] + " did not finish in " + std::to_string(timeout.count()) +
                        " ms and was stopped");
}

std::string describe_failure(const std::vector<std::string>& argv, const ProgramRun& run) {
  std::string text = (argv.empty() ? std::string("program") : argv[0]) + " failed (exit status " +
                     std::to_string(run.exit_status) + ")";
  const auto end = run.errors.find('\n');
  const std::string first = run.errors.substr(0, end);
  if (!first.empty()) text += ": " + first;
  return text;
}

std::vector<char*> exec_argv(std::vector<std::string>& args) {
  std::vector<char*> out;
  out.reserve(args.size() + 1);
  for (auto& a : args)
    out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

namespace {
std::string file_beside_self(const std::string& name, int mode) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto beside = self.parent_path() / name;
    if (::access(beside.c_str(), mode) == 0) return beside.string();
  }
  return {};
}
}  // namespace

std::string program_beside_self(const std::string& name) {
  std::string beside = file_beside_self(name, X_OK);
  return beside.empty() ? name : beside;
}

std::string find_installed_file(const std::string& name, const std::string& installed_dir,
                                int mode) {
  std::string path = file_beside_self(name, mode);
  if (!path.empty()) return path;
  path = installed_dir + "/" + name;
  if (::access(path.c_str(), mode) == 0) return path;
  return {};
}

}  // namespace sb::adapters
