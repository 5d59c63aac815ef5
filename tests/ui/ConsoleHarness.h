// Test harness: the real console window on the real embedded simulator,
// built through the same factory pulsco-console uses.
#pragma once

#include "app/pulsco-console/ConsoleSourceFactory.h"
#include "ui/DashboardPage.h"
#include "ui/MainWindow.h"

#include <QString>
#include <QTest>

#include <memory>

namespace pulsco::test {

struct ConsoleHarness {
    ConsoleSourceFactory factory;
    std::unique_ptr<MainWindow> window;

    // Opens `scenario` at `speed` (0 = max) in a shown 1280x800 window.
    QString open(double speed, const QString& scenario = QStringLiteral("baseline-1000")) {
        window = std::make_unique<MainWindow>(factory);
        window->resize(1280, 800);
        window->setPreferredSpeed(speed);
        window->show();
        SourceRequest request;
        request.scenario = scenario;
        QString error;
        if (!window->openSource(request, &error))
            return error;
        return {};
    }
    DashboardPage* dashboard() const { return window->dashboard(); }
};

}  // namespace pulsco::test
