// SPDX-License-Identifier: GPL-3.0-or-later
// JobTracker (job_tracker.h).
#include "job_tracker.h"

namespace ftw {

JobTracker::JobTracker(QObject* parent) : QObject(parent) {
    pool_.setMaxThreadCount(1);
    pool_.setObjectName(QStringLiteral("JobTracker"));
}

JobTracker::~JobTracker() {
    latest_.clear();
    pool_.clear();
    pool_.waitForDone();
}

}  // namespace ftw
