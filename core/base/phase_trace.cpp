#include "core/base/phase_trace.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <unistd.h>

namespace phase_trace {

namespace {
const bool g_enabled = std::getenv("WAVEBENCH_TRACE") != nullptr;
}

void mark(const char* name) {
    if (!g_enabled)
        return;
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    char line[160];
    const int n = std::snprintf(line, sizeof line, "wavebench-trace %d %lld.%06ld %s\n",
                                static_cast<int>(getpid()), static_cast<long long>(now.tv_sec),
                                now.tv_nsec / 1000, name);
    if (n > 0)
        (void)!::write(STDERR_FILENO, line, static_cast<size_t>(n < 160 ? n : 159));
}

} // namespace phase_trace
