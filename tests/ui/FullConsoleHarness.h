// Test harness: the whole console window as pulsco-console builds it (the
// Dashboard, the Rollout and Drills pages, the Alerts dock) on the real
// embedded simulator, with its own console store in a temporary folder.
#pragma once

#include "app/pulsco-console/ConsoleRun.h"
#include "app/pulsco-console/ConsoleSourceFactory.h"
#include "store/ConsoleStore.h"
#include "ui/MainWindow.h"
#include "ui/Theme.h"

#include <QSize>
#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <optional>

namespace pulsco::test {

struct FullConsole {
    QTemporaryDir dir;
    std::unique_ptr<ConsoleStore> store;
    ConsoleSourceFactory factory;
    std::unique_ptr<MainWindow> window;
    ConsolePages pages;

    // Builds and shows the window at `size` in `theme` on `page`, and starts
    // `scenario` at `speed` (nullopt = the scenario's own; 0 = max), as
    // `pulsco-console --size --theme --page --simulate --speed` would.
    // Returns an error, or an empty string.
    QString open(QSize size, Theme theme, std::optional<double> speed,
                 const QString& page = QStringLiteral("dashboard"),
                 const QString& scenario = QStringLiteral("baseline-1000")) {
        QString error;
        store = ConsoleStore::open(dir.filePath(QStringLiteral("console.sqlite")), &error);
        if (!store)
            return error;
        window = std::make_unique<MainWindow>(factory);
        window->setTheme(theme);
        pages = installConsolePages(*window, *store, factory);
        if (!window->showPage(page))
            return QStringLiteral("no page ") + page;
        window->setPreferredSpeed(speed);
        window->resize(size);
        window->show();
        SourceRequest request;
        request.scenario = scenario;
        if (!window->openSource(request, &error))
            return error;
        return {};
    }
};

}  // namespace pulsco::test
