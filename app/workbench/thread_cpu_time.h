// SPDX-License-Identifier: GPL-3.0-or-later
// CPU time of the calling thread: what the GUI thread itself spends, apart from training and other processes
// (the bridge's back-off and --stats both measure the GUI thread this way).
#pragma once

#include <time.h>

namespace ftw {

inline double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

}  // namespace ftw
