// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench's command line (QCommandLineParser), for scripting and docs:
//   freetickets-workbench [--preset NAME | --config FILE.json] [--set key=value ...] [--db FILE] [--run]
//                         [--open-run ID] [--teaching] [--perspective NAME] [--focus VIEW]
//                         [--theme light|dark|system] [--lang CODE]
//                         [--screenshot FILE.png [--screenshot-view NAME]] [--screenshot-dir DIR]
//                         [--quit-after SECONDS] [--quit-when-done] [--stats FILE.json] [--scrub-masks]
#pragma once

#include <QString>
#include <QStringList>

namespace ftw {

struct WorkbenchOptions {
    QString preset;           // empty: the core's default preset (or the last one used)
    QString configFile;       // a config JSON file instead of a preset
    QStringList overrides;    // --set key=value, in order
    QString db;               // the run store (default: the CLI's, $XDG_DATA_HOME/freetickets/runs.sqlite)
    bool dbIsDefault = true;  // --db not given: the data folder is created when missing, as the CLI does
    bool run = false;         // start training at once
    qint64 openRun = 0;       // show this stored run instead of training
    bool teaching = false;
    QString perspective;     // setup, watch, masks, tickets, compare, teach; empty: the last one used
    QString focus;           // a view filling the window (names as --screenshot-view)
    QString theme;           // empty: the saved choice
    QString lang;            // empty: the system locale
    QString screenshot;      // grab the main window (or --screenshot-view) into this PNG
    QString screenshotView;  // mask, density, diversity, calibration, curves, boundary, experiment, runs
    QString screenshotDir;   // grab the window and every view into DIR/<name>.png
    double quitAfter = -1;   // seconds; < 0: never
    bool quitWhenDone = false;
    QString statsFile;        // write GUI responsiveness and throughput figures (JSON) on quit
    bool scrubMasks = false;  // benchmark: step the mask view of the stored run through its updates, zoom, quit
    bool showHelp = false, showVersion = false;
};

// The default run store: the same file the `freetickets` CLI writes.
QString defaultStorePath();
// The default checkpoint folder of a new run named `name` (the CLI's convention, with a timestamp).
QString defaultCheckpointDir(const QString& name);

// Parses the arguments (args[0] is the program). False with a message for a bad option or value. The help and
// version texts are in *message when showHelp / showVersion are set.
bool parseWorkbenchOptions(const QStringList& args, WorkbenchOptions* out, QString* message);

// The view names --screenshot-view accepts.
QStringList screenshotViewNames();

}  // namespace ftw
