// SPDX-License-Identifier: GPL-3.0-or-later
// freetickets-workbench: the Qt 6 desktop application. Parses the command line, loads the translation, opens the
// run store and the preset, and shows the main window; ScriptDriver handles the scripting flags.
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QTimer>
#include <QTranslator>
#include <cstdio>

#include "ft/config/presets.h"
#include "main_window.h"
#include "perspectives.h"
#include "run_stats.h"
#include "run_view.h"
#include "script_driver.h"
#include "workbench_options.h"

namespace {

// The interface language: --lang, else the system's. English is the source language.
void installTranslations(const QString& lang, QTranslator& qt, QTranslator& app) {
    const QLocale locale = lang.isEmpty() ? QLocale() : QLocale(lang);
    QLocale::setDefault(locale);
    if (qt.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qt);
    if (app.load(locale, QStringLiteral("freetickets"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&app);
}

int fail(int rc, const QString& message) {
    std::fprintf(stderr, "freetickets-workbench: %s\n", qPrintable(message));
    return rc;
}

// The experiment (config file or preset, then --set), the perspective and the teaching mode. 0, or the exit code.
int prepare(ftw::MainWindow& window, const ftw::WorkbenchOptions& options) {
    if (!options.theme.isEmpty()) window.setTheme(options.theme);
    QString error;
    if (!options.configFile.isEmpty()) {
        if (!window.loadConfigFile(options.configFile, &error)) return fail(2, error);
    } else {
        const QString preset = options.preset.isEmpty() ? QString::fromLatin1(ft::default_preset()) : options.preset;
        if (!window.selectPreset(preset, &error)) return fail(2, error);
    }
    if (!options.overrides.isEmpty() && !window.applyOverrides(options.overrides, &error)) return fail(2, error);
    if (options.teaching) window.setTeachingMode(true);
    if (const auto p = ftw::perspectiveFromKey(options.perspective)) window.setPerspective(*p);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("FreeTickets"));
    QApplication::setOrganizationDomain(QStringLiteral("freetickets.github.io"));
    QApplication::setApplicationName(QStringLiteral("Workbench"));
    QApplication::setApplicationDisplayName(QStringLiteral("FreeTickets Workbench"));
    QApplication::setApplicationVersion(QStringLiteral(FT_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.freetickets.Workbench"));

    ftw::WorkbenchOptions options;
    QString message;
    const bool parsed = ftw::parseWorkbenchOptions(QApplication::arguments(), &options, &message);
    QTranslator qtTranslator, appTranslator;
    installTranslations(options.lang, qtTranslator, appTranslator);
    // Parsed once more with the translation in place, so that --help and the messages speak the language.
    const bool reparsed = ftw::parseWorkbenchOptions(QApplication::arguments(), &options, &message);
    if (!parsed || !reparsed) return fail(2, message);
    if (options.showHelp || options.showVersion) {
        std::printf("%s\n", qPrintable(message));
        return 0;
    }

    const bool scripted = !options.screenshot.isEmpty() || !options.screenshotDir.isEmpty() || options.quitAfter > 0 ||
                          options.quitWhenDone || options.scrubMasks;
    // A new account has no data folder yet: create it, as the CLI does, so that the default store can be made.
    if (options.dbIsDefault && !QDir().mkpath(QFileInfo(options.db).absolutePath()))
        fail(0, QStringLiteral("%1: cannot create the folder").arg(QFileInfo(options.db).absolutePath()));
    ftw::MainWindow::Setup setup;
    setup.storePath = options.db;
    setup.restoreLayout = !scripted;  // scripted runs get the default layout and leave the user's alone
    setup.interactive = !scripted;
    ftw::MainWindow window(setup);
    if (const int rc = prepare(window, options)) return rc;
    window.show();
    if (!options.focus.isEmpty()) window.focusView(options.focus);

    ftw::RunStats stats;
    if (!options.statsFile.isEmpty()) {
        for (const auto& name : window.viewNames())
            if (auto* view = window.runView(name)) stats.watchView(view, name);
        // From one second in: the window's first layout and paint are start-up, not the run. Opening a stored run
        // is measured from the start: that is what it is about.
        if (options.openRun > 0)
            stats.start();
        else
            QTimer::singleShot(1000, &stats, &ftw::RunStats::start);
    }
    ftw::ScriptDriver driver(&window, options, &stats);
    driver.start();
    QString error;
    if (options.openRun > 0 && !window.openRun(options.openRun, &error)) return fail(1, error);
    if (options.openRun <= 0 && options.run && !window.startRun(&error)) return fail(2, error);
    const int rc = app.exec();
    return rc != 0 ? rc : driver.exitCode();
}
