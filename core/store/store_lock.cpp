#include "core/store/store_lock.h"

#include "core/store/store_paths.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace {

std::string holderOf(int fd) {
    char text[256] = {};
    const ssize_t n = pread(fd, text, sizeof text - 1, 0);
    std::string holder = n > 0 ? std::string(text, static_cast<size_t>(n)) : std::string();
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
        holder.pop_back();
    return holder.empty() ? "another process" : holder;
}

std::string programName() {
    char name[256] = {};
    const ssize_t n = readlink("/proc/self/exe", name, sizeof name - 1);
    if (n <= 0)
        return "?";
    const std::string path(name, static_cast<size_t>(n));
    return path.substr(path.rfind('/') + 1);
}

} // namespace

Result<std::unique_ptr<StoreLock>> StoreLock::acquire(const std::string& store,
                                                      double timeoutSeconds) {
    using R = Result<std::unique_ptr<StoreLock>>;
    const std::string dir = store_paths::partsDir(store);
    if (mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
        return R::failure(
            dir + ": cannot create the folder for runs in progress: " + std::strerror(errno));
    const std::string path = store_paths::lockPath(store);
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return R::failure(path + ": cannot open: " + std::strerror(errno));
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<long long>(timeoutSeconds * 1000));
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            const int error = errno;
            close(fd);
            return R::failure(path + ": cannot lock: " + std::strerror(error));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            const std::string holder = holderOf(fd);
            close(fd);
            return R::failure(store + ": " + holder + " has been committing into the store for " +
                              std::to_string(static_cast<int>(timeoutSeconds)) +
                              " s; try again when it is done");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const std::string holder = "process " + std::to_string(getpid()) + " (" + programName() + ")\n";
    if (ftruncate(fd, 0) == 0)
        (void)!pwrite(fd, holder.data(), holder.size(), 0);
    return std::unique_ptr<StoreLock>(new StoreLock(fd));
}

StoreLock::~StoreLock() {
    close(m_fd); // drops the flock
}
