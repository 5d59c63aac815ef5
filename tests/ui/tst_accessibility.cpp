// Every interactive widget of the console (and of the fault dialog) has an
// accessible name, and the main controls are reachable by keyboard.
#include "ConsoleHarness.h"

#include "ui/FaultDialog.h"
#include "ui/SourceControls.h"

#include <QAbstractSpinBox>
#include <QAccessible>
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

using namespace pulsco;
using namespace Qt::StringLiterals;

namespace {

// Widgets a keyboard user can land on, minus the inner editors of spin and
// combo boxes (their parent carries the name).
QList<QWidget*> interactiveWidgets(QWidget* root) {
    QList<QWidget*> result;
    for (QWidget* w : root->findChildren<QWidget*>()) {
        if (!w->isVisibleTo(root) || w->focusPolicy() == Qt::NoFocus)
            continue;
        if (qobject_cast<QAbstractSpinBox*>(w->parentWidget()) ||
            qobject_cast<QComboBox*>(w->parentWidget()))
            continue;
        if (qobject_cast<QMenu*>(w))
            continue;  // menus are named by their titles
        result << w;
    }
    return result;
}

QString describe(QWidget* w) {
    return u"%1 \"%2\" in %3"_s.arg(
        QLatin1StringView(w->metaObject()->className()), w->objectName(),
        w->parentWidget() ? QLatin1StringView(w->parentWidget()->metaObject()->className())
                          : QLatin1StringView("-"));
}

}  // namespace

class TestAccessibility : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void everyInteractiveWidgetHasAName() {
        test::ConsoleHarness h;
        QCOMPARE(h.open(10), QString());
        QTRY_VERIFY_WITH_TIMEOUT(h.dashboard()->framesRendered() > 0, 20000);
        const QList<QWidget*> widgets = interactiveWidgets(h.window.get());
        QVERIFY(widgets.size() >= 12);
        QStringList missing;
        for (QWidget* w : widgets) {
            if (w->accessibleName().trimmed().isEmpty())
                missing << describe(w);
            // What assistive technology actually reads.
            QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(w);
            if (!iface || iface->text(QAccessible::Name).trimmed().isEmpty())
                missing << describe(w) + u" (accessible interface)"_s;
        }
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u"\n"_s)));
    }

    void faultDialogWidgetsHaveNames() {
        for (const FaultKind kind : kAllFaultKinds) {
            FaultDialog dialog(kind, {u"eu-west"_s, u"us-east"_s});
            dialog.show();
            QVERIFY2(dialog.validationError().isEmpty(), qPrintable(dialog.validationError()));
            const QList<QWidget*> widgets = interactiveWidgets(&dialog);
            // Every fault dialog has at least a target and an OK/Cancel pair.
            QVERIFY2(widgets.size() >= 3, toString(kind));
            QStringList missing;
            for (QWidget* w : widgets) {
                if (w->accessibleName().trimmed().isEmpty())
                    missing << describe(w);
            }
            QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u"\n"_s)));
        }
    }

    void labelledControlsHaveMnemonicBuddies() {
        test::ConsoleHarness h;
        h.window = std::make_unique<MainWindow>(h.factory);
        SourceControls* controls = h.window->controls();
        QList<QWidget*> needBuddies;
        needBuddies << controls->speedCombo() << controls->scenarioCombo() << controls->playersBox()
                    << controls->trafficSlider();
        for (QWidget* target : needBuddies) {
            bool found = false;
            for (QLabel* label : h.window->findChildren<QLabel*>()) {
                if (label->buddy() == target && label->text().contains(u'&'))
                    found = true;
            }
            QVERIFY2(found, qPrintable(target->accessibleName()));
        }
        // Mnemonics of labels do not collide with each other or with menus.
        QSet<QChar> used;
        const QList<QAction*> menus = h.window->menuBar()->actions();
        QVERIFY(menus.size() >= 4);  // File, Simulation, View, Help
        for (QAction* menu : menus) {
            const qsizetype amp = menu->text().indexOf(u'&');
            QVERIFY(amp >= 0);
            used.insert(menu->text().at(amp + 1).toLower());
        }
        for (QLabel* label : h.window->findChildren<QLabel*>()) {
            const qsizetype amp = label->text().indexOf(u'&');
            if (amp < 0 || !label->buddy())
                continue;
            const QChar key = label->text().at(amp + 1).toLower();
            QVERIFY2(!used.contains(key),
                     qPrintable(u"mnemonic %1 used twice (%2)"_s.arg(key).arg(label->text())));
            used.insert(key);
        }
    }

    void keyActionsHaveShortcuts() {
        test::ConsoleHarness h;
        h.window = std::make_unique<MainWindow>(h.factory);
        SourceControls* c = h.window->controls();
        QCOMPARE(c->playPauseAction()->shortcut(), QKeySequence(Qt::Key_Space));
        QVERIFY(!c->clearFaultsAction()->shortcut().isEmpty());
        QVERIFY(!c->restartAction()->shortcut().isEmpty());
        const QString help = h.window->shortcutsText();
        QVERIFY(help.contains(u"Space"_s));
        QVERIFY(help.contains(u"Ctrl+Q"_s));
        QVERIFY(help.contains(u"F1"_s));
        QVERIFY(MainWindow::aboutText().contains(u"GPL-3.0-or-later"_s));
        QVERIFY(MainWindow::aboutText().contains(
            u"either version 3 of the License, or (at your option) any later version"_s));
    }
};

QTEST_MAIN(TestAccessibility)
#include "tst_accessibility.moc"
