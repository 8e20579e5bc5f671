// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench's command line. See workbench_options.h.
#include "workbench_options.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>

#include "perspectives.h"

namespace ftw {

namespace {
// XDG data home as the CLI computes it, so both programs share one store and one checkpoint folder.
QString dataHome() {
    const QString xdg = qEnvironmentVariable("XDG_DATA_HOME");
    if (!xdg.isEmpty()) return xdg;
    const QString home = qEnvironmentVariable("HOME");
    return QDir(home.isEmpty() ? QStringLiteral(".") : home).filePath(QStringLiteral(".local/share"));
}

// The context of this file's texts for the translators.
struct Text {
    Q_DECLARE_TR_FUNCTIONS(WorkbenchOptions)
};
}  // namespace

QString defaultStorePath() { return QDir(dataHome()).filePath(QStringLiteral("freetickets/runs.sqlite")); }

QString defaultCheckpointDir(const QString& name) {
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    return QDir(dataHome())
        .filePath(
            QStringLiteral("freetickets/checkpoints/%1-%2").arg(name.isEmpty() ? QStringLiteral("run") : name, stamp));
}

QStringList screenshotViewNames() {
    return {QStringLiteral("mask"),        QStringLiteral("density"), QStringLiteral("diversity"),
            QStringLiteral("calibration"), QStringLiteral("curves"),  QStringLiteral("boundary"),
            QStringLiteral("experiment"),  QStringLiteral("runs")};
}

bool parseWorkbenchOptions(const QStringList& args, WorkbenchOptions* out, QString* message) {
    QCommandLineParser p;
    p.setApplicationDescription(
        Text::tr("FreeTickets Workbench: run, watch and compare dynamic sparse training and "
                 "FreeTickets ensembles."));
    const auto help = p.addHelpOption();
    const auto version = p.addVersionOption();
    const QCommandLineOption preset(QStringLiteral("preset"),
                                    Text::tr("Open this preset (see `freetickets presets list`)."), Text::tr("NAME"));
    const QCommandLineOption config(QStringLiteral("config"), Text::tr("Open this config JSON file."),
                                    Text::tr("FILE"));
    const QCommandLineOption set(QStringLiteral("set"),
                                 Text::tr("Override one setting, e.g. sparse.density=0.1 (repeatable)."),
                                 Text::tr("KEY=VALUE"));
    const QCommandLineOption db(QStringLiteral("db"), Text::tr("Run store file (default: %1).").arg(defaultStorePath()),
                                Text::tr("FILE"));
    const QCommandLineOption run(QStringLiteral("run"), Text::tr("Start training at once."));
    const QCommandLineOption openRun(QStringLiteral("open-run"), Text::tr("Show this stored run instead of training."),
                                     Text::tr("ID"));
    const QCommandLineOption teaching(QStringLiteral("teaching"),
                                      Text::tr("Start in teaching mode (big fonts, throttle)."));
    const QCommandLineOption perspective(
        QStringLiteral("perspective"),
        Text::tr("Open in this perspective: %1.").arg(perspectiveKeys().join(QStringLiteral(", "))), Text::tr("NAME"));
    const QCommandLineOption focus(
        QStringLiteral("focus"),
        Text::tr("Show this view alone, filling the window: %1.").arg(screenshotViewNames().join(QStringLiteral(", "))),
        Text::tr("VIEW"));
    const QCommandLineOption theme(QStringLiteral("theme"), Text::tr("Colours: light, dark or system."),
                                   Text::tr("THEME"));
    const QCommandLineOption lang(QStringLiteral("lang"),
                                  Text::tr("User interface language, e.g. de (default: the system's)."),
                                  Text::tr("CODE"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        Text::tr("Save a PNG of the window after the first evaluation (or at "
                                                 "--quit-after / --quit-when-done), then quit."),
                                        Text::tr("FILE.png"));
    const QCommandLineOption screenshotView(
        QStringLiteral("screenshot-view"),
        Text::tr("Grab only this view: %1.").arg(screenshotViewNames().join(QStringLiteral(", "))), Text::tr("NAME"));
    const QCommandLineOption screenshotDir(
        QStringLiteral("screenshot-dir"),
        Text::tr("Like --screenshot, for the window and every view, into DIR/NAME.png."), Text::tr("DIR"));
    const QCommandLineOption quitAfter(QStringLiteral("quit-after"),
                                       Text::tr("Quit after this many seconds (a run in progress is cancelled and "
                                                "checkpointed)."),
                                       Text::tr("SECONDS"));
    const QCommandLineOption quitWhenDone(QStringLiteral("quit-when-done"),
                                          Text::tr("Quit when the run has finished."));
    const QCommandLineOption stats(QStringLiteral("stats"),
                                   Text::tr("On quit, write responsiveness and throughput figures as JSON."),
                                   Text::tr("FILE"));
    const QCommandLineOption scrub(QStringLiteral("scrub-masks"),
                                   Text::tr("Benchmark (with --open-run): step the mask view through every update, "
                                            "zoom into single weights of the largest layer, then quit."));
    p.addOptions({preset, config, set, db, run, openRun, teaching, perspective, focus, theme, lang, screenshot,
                  screenshotView, screenshotDir, quitAfter, quitWhenDone, stats, scrub});

    auto fail = [&](const QString& m) {
        if (message) *message = m;
        return false;
    };
    if (!p.parse(args)) return fail(p.errorText());
    WorkbenchOptions o;
    o.lang = p.value(lang);  // also for --help, which is printed in that language
    if (p.isSet(help)) {
        o.showHelp = true;
        if (message) *message = p.helpText();
        *out = o;
        return true;
    }
    if (p.isSet(version)) {
        o.showVersion = true;
        if (message) *message = QStringLiteral("freetickets-workbench ") + QCoreApplication::applicationVersion();
        *out = o;
        return true;
    }
    if (!p.positionalArguments().isEmpty())
        return fail(Text::tr("unexpected argument \"%1\" (options start with --; see --help)")
                        .arg(p.positionalArguments().first()));
    o.preset = p.value(preset);
    o.configFile = p.value(config);
    if (!o.preset.isEmpty() && !o.configFile.isEmpty())
        return fail(Text::tr("--preset and --config exclude each other"));
    o.overrides = p.values(set);
    for (const auto& s : o.overrides)
        if (!s.contains(QLatin1Char('=')) || s.startsWith(QLatin1Char('=')))
            return fail(Text::tr("--set %1: expected KEY=VALUE, e.g. sparse.density=0.1").arg(s));
    o.db = p.isSet(db) ? p.value(db) : defaultStorePath();
    o.dbIsDefault = !p.isSet(db);
    if (o.db.isEmpty()) return fail(Text::tr("--db: expected a file name"));
    o.run = p.isSet(run);
    if (p.isSet(openRun)) {
        bool ok = false;
        o.openRun = p.value(openRun).toLongLong(&ok);
        if (!ok || o.openRun <= 0)
            return fail(Text::tr("--open-run %1: expected a run id (an integer >= 1)").arg(p.value(openRun)));
        if (o.run) return fail(Text::tr("--open-run and --run exclude each other"));
    }
    o.teaching = p.isSet(teaching);
    o.perspective = p.value(perspective);
    if (!o.perspective.isEmpty() && !perspectiveFromKey(o.perspective))
        return fail(Text::tr("--perspective %1: expected one of %2")
                        .arg(o.perspective, perspectiveKeys().join(QStringLiteral(", "))));
    o.focus = p.value(focus);
    if (!o.focus.isEmpty() && !screenshotViewNames().contains(o.focus))
        return fail(
            Text::tr("--focus %1: expected one of %2").arg(o.focus, screenshotViewNames().join(QStringLiteral(", "))));
    o.theme = p.value(theme);
    if (!o.theme.isEmpty() && o.theme != QLatin1String("light") && o.theme != QLatin1String("dark") &&
        o.theme != QLatin1String("system"))
        return fail(Text::tr("--theme %1: expected light, dark or system").arg(o.theme));
    o.screenshot = p.value(screenshot);
    if (!o.screenshot.isEmpty() && !o.screenshot.endsWith(QLatin1String(".png"), Qt::CaseInsensitive))
        return fail(Text::tr("--screenshot %1: expected a .png file name").arg(o.screenshot));
    o.screenshotView = p.value(screenshotView);
    if (!o.screenshotView.isEmpty() && !screenshotViewNames().contains(o.screenshotView))
        return fail(Text::tr("--screenshot-view %1: expected one of %2")
                        .arg(o.screenshotView, screenshotViewNames().join(QStringLiteral(", "))));
    if (!o.screenshotView.isEmpty() && o.screenshot.isEmpty())
        return fail(Text::tr("--screenshot-view needs --screenshot FILE.png"));
    o.screenshotDir = p.value(screenshotDir);
    if (p.isSet(quitAfter)) {
        bool ok = false;
        o.quitAfter = p.value(quitAfter).toDouble(&ok);
        if (!ok || !(o.quitAfter > 0))
            return fail(Text::tr("--quit-after %1: expected a number of seconds > 0").arg(p.value(quitAfter)));
    }
    o.quitWhenDone = p.isSet(quitWhenDone);
    o.statsFile = p.value(stats);
    o.scrubMasks = p.isSet(scrub);
    if (o.scrubMasks && o.openRun == 0) return fail(Text::tr("--scrub-masks needs --open-run ID"));
    // A screenshot of a training run needs the run: start it unless a stored run is shown.
    if ((!o.screenshot.isEmpty() || !o.screenshotDir.isEmpty()) && o.openRun == 0) o.run = true;
    *out = o;
    return true;
}

}  // namespace ftw
