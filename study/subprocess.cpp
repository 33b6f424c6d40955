#include "study/subprocess.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace shiftsim::sim {

namespace {

// Starts argv with stdout and stderr appended to `log_path` (inherited when empty), in
// `work_dir` when it is not empty.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path,
            const std::string& work_dir = "") {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (!log_path.empty()) {
      const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
      }
    }
    // The log is opened first, so that its path keeps the parent's meaning.
    if (!work_dir.empty() && chdir(work_dir.c_str()) != 0) _exit(127);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

int run_child(const std::vector<std::string>& argv, const std::string& log_path) {
  const pid_t pid = spawn(argv, log_path);
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) throw std::runtime_error("waitpid failed");
  return exit_code(status);
}

int run_child_in(const std::string& work_dir, const std::vector<std::string>& argv,
                 const std::string& log_path) {
  const pid_t pid = spawn(argv, log_path, work_dir);
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) throw std::runtime_error("waitpid failed");
  return exit_code(status);
}

int run_child(const std::vector<std::string>& argv, const std::string& log_path, double timeout_s) {
  const pid_t pid = spawn(argv, log_path);
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return exit_code(status);
    if (done < 0) throw std::runtime_error("waitpid failed");
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > timeout_s) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string make_temp_dir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + prefix + "XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("cannot create a temporary directory");
  return std::string(buf.data());
}

}  // namespace shiftsim::sim
