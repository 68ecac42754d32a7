#pragma once

#include "core/base/result.h"

#include <memory>
#include <string>

// The right to change a store: an exclusive flock on <store>.parts/commit.lock, held for a
// commit or a recovery (milliseconds to seconds) and never while a run streams. The kernel
// drops it when its holder dies, so it is never stale. Its holder writes its pid and
// program into the file, so that a process kept waiting can name it.
//
// Take it before h5Mutex(), never while holding it: a holder may wait for h5Mutex().
//
// Thread: any; one StoreLock is used by one thread.
class StoreLock {
public:
    // Waits up to `timeoutSeconds` for the lock.
    static Result<std::unique_ptr<StoreLock>> acquire(const std::string& store,
                                                      double timeoutSeconds = 120);
    ~StoreLock();
    StoreLock(const StoreLock&) = delete;
    StoreLock& operator=(const StoreLock&) = delete;

private:
    explicit StoreLock(int fd) : m_fd(fd) {}
    int m_fd;
};
