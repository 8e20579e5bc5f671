// SPDX-License-Identifier: GPL-3.0-or-later
// StoreFollower: shows a run that another process (a headless `freetickets train`) is writing into a store. Once a
// second it looks at the run's row (status, last stored step, event count); when something changed it reloads the
// run into a fresh RunData as a JobTracker job (off the GUI thread, with the job's own RunStore connection; a load
// that finishes after stop() is dropped) and hands the result to the GUI thread (loaded()). The GUI thread never
// waits for the store. It stops by itself once the run ended and the final state was loaded.
#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

namespace ftw {

class JobTracker;
class RunData;

class StoreFollower : public QObject {
    Q_OBJECT
public:
    explicit StoreFollower(QObject* parent = nullptr);

    // Starts following run `runId` of the store at `path`; a first load happens at once.
    void follow(const QString& path, qint64 runId, int intervalMs = 1000);
    void stop();
    bool isFollowing() const { return following_ || busy_; }
    qint64 runId() const { return runId_; }
    qint64 loads() const { return loads_; }

signals:
    // A freshly loaded copy of the run (owned by the receiver, no parent, living in the GUI thread). `ended`:
    // the run has a final status and this is the last load.
    void loaded(ftw::RunData* data, bool ended);
    void failed(const QString& message);

private:
    struct Poll;
    void poll();
    void onLoaded(const Poll& result);

    QTimer timer_;
    JobTracker* jobs_ = nullptr;
    QString path_;
    qint64 runId_ = 0;
    QString lastFingerprint_;
    bool busy_ = false;
    bool following_ = false;
    qint64 loads_ = 0;
};

}  // namespace ftw
