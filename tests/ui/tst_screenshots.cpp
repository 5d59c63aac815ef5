// One screenshot per page (dashboard, rollout, drills), in both palettes, at
// 1280x800 and 1920x1080, after the shipped baseline scenario has run five
// simulated minutes (at 100×: seconds). Each is rendered offscreen, checked
// for what can be checked (not blank, nothing cut or scrolled sideways, the
// page's own first-screen rules), and written to <build>/screenshots/ so a
// person can look at them: <page>-<W>x<H>-<theme>.png.
#include "FullConsoleHarness.h"

#include "ui/DashboardPage.h"
#include "ui/ElidingLabel.h"
#include "ui/KpiTile.h"
#include "ui/SourceBar.h"
#include "ui/SourceControls.h"
#include "ui/drills/AlertListModel.h"
#include "ui/drills/AlertsPanel.h"
#include "ui/drills/DrillsConsole.h"
#include "ui/drills/DrillsPage.h"
#include "ui/rollout/ChecklistModel.h"
#include "ui/rollout/ChecklistView.h"
#include "ui/rollout/RolloutPage.h"

#include <QComboBox>
#include <QDir>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QScrollArea>
#include <QScrollBar>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeView>

using namespace pulsco;
using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeoutMs = 60000;
constexpr double kRunSeconds = 300;  // simulated, before the picture

// Labels that show less than their text: a one-line label narrower than
// its text, anywhere under `root`. A label that elides ("…") must have the
// whole text in its tooltip.
QStringList clippedLabels(const QWidget* root) {
    QStringList out;
    for (const QLabel* label : root->findChildren<QLabel*>()) {
        if (const auto* eliding = qobject_cast<const ElidingLabel*>(label)) {
            if (eliding->isVisibleTo(root) && eliding->isElided() &&
                eliding->toolTip() != eliding->text())
                out << u"\"%1\" elided without the whole text in its tooltip"_s.arg(
                    eliding->text());
            continue;
        }
        if (!label->isVisibleTo(root) || label->wordWrap() || label->text().isEmpty() ||
            label->textFormat() == Qt::RichText)
            continue;
        QString shown = label->text();
        if (label->buddy())  // "Sho&w" shows as "Show"
            shown.replace(u"&&"_s, u"\x01"_s).remove(u'&').replace(u'\x01', u'&');
        const int need = label->fontMetrics().horizontalAdvance(shown) +
                         label->contentsMargins().left() + label->contentsMargins().right();
        if (label->width() + 1 < need)
            out << u"\"%1\" (%2 of %3 px)"_s.arg(label->text()).arg(label->width()).arg(need);
    }
    return out;
}

}  // namespace

class TestScreenshots : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(QDir().mkpath(QStringLiteral(PULSCO_BINARY_DIR "/screenshots")));
    }

    void page_data() {
        QTest::addColumn<QString>("page");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<QString>("themeName");
        for (const QString& page : {u"dashboard"_s, u"rollout"_s, u"drills"_s})
            for (const QSize size : {QSize(1280, 800), QSize(1920, 1080)})
                for (const Theme theme : {Theme::Light, Theme::Dark})
                    QTest::addRow("%s-%dx%d-%s", qPrintable(page), size.width(), size.height(),
                                  qPrintable(themeKey(theme)))
                        << page << size << themeKey(theme);
    }
    void page() {
        QFETCH(QString, page);
        QFETCH(QSize, size);
        QFETCH(QString, themeName);
        const Theme theme = *themeFromKey(themeName);
        test::FullConsole c;
        QCOMPARE(c.open(size, theme, 100.0, page), QString());
        DashboardPage* d = c.window->dashboard();
        QTRY_VERIFY_WITH_TIMEOUT(d->lastRendered() && d->lastRendered()->timeSeconds >= kRunSeconds,
                                 kTimeoutMs);
        QTest::qWait(400);  // the charts' and the event log's next redraw

        const QImage image = c.window->grab().toImage();
        const QString path = u"%1/screenshots/%2-%3x%4-%5.png"_s.arg(
            QStringLiteral(PULSCO_BINARY_DIR), page, QString::number(size.width()),
            QString::number(size.height()), themeKey(theme));
        QVERIFY2(image.save(path, "PNG"), qPrintable(path));
        qInfo("screenshot: %s", qPrintable(path));

        // The asked size, and not blank: a rendered window has many colours.
        QCOMPARE(image.size(), size);
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
        // The palette asked for: a light or a dark window background.
        const int lightness = c.window->palette().color(QPalette::Window).lightness();
        QVERIFY(theme == Theme::Light ? lightness > 128 : lightness < 128);

        // The toolbar is whole (no » overflow button) and agrees with the
        // source bar on the speed.
        SourceControls* controls = c.window->controls();
        for (const QToolButton* b : controls->findChildren<QToolButton*>())
            QVERIFY2(!(b->objectName() == u"qt_toolbar_ext_button"_s && b->isVisible()),
                     "the toolbar overflows");
        QCOMPARE(u"Speed "_s + controls->speedCombo()->currentText(),
                 c.window->sourceBar()->speedText());
        const QStringList barClipped = clippedLabels(c.window->sourceBar());
        QVERIFY2(barClipped.isEmpty(), qPrintable(barClipped.join(u", "_s)));
        const QStringList statusClipped = clippedLabels(c.window->statusBar());
        QVERIFY2(statusClipped.isEmpty(), qPrintable(statusClipped.join(u", "_s)));

        if (page == u"dashboard"_s) {
            auto* scroll = d->findChild<QScrollArea*>();
            QVERIFY(scroll);
            QCOMPARE(scroll->horizontalScrollBar()->maximum(), 0);
            for (int k = 0; k < int(DashboardPage::Kpi::Count); ++k) {
                const KpiTile* tile = d->tile(DashboardPage::Kpi(k));
                const QStringList clipped = clippedLabels(tile);
                QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join(u", "_s)));
                QVERIFY2(!tile->valueText().isEmpty(), qPrintable(tile->title()));
            }
        } else if (page == u"rollout"_s) {
            ChecklistView* checklist = c.pages.rollout->checklist();
            QVERIFY(!checklist->selectedItemId().isEmpty());
            QVERIFY(!checklist->titleLabel()->text().startsWith(u"Select"_s));
            QCOMPARE(checklist->tree()->horizontalScrollBar()->maximum(), 0);
            const QLineEdit* name = c.pages.rollout->operatorField();
            QVERIFY2(name->width() >=
                         name->fontMetrics().horizontalAdvance(name->placeholderText()) + 8,
                     "the operator field cuts its hint");
        } else {
            DrillsPage* drills = c.pages.drills->page();
            QListWidget* list = drills->drillList();
            for (int i = 0; i < list->count(); ++i)
                QVERIFY2(list->viewport()->width() >=
                             list->fontMetrics().horizontalAdvance(list->item(i)->text()) + 8,
                         qPrintable(list->item(i)->text()));
            QCOMPARE(list->horizontalScrollBar()->maximum(), 0);
            QVERIFY(drills->liveBox()->height() <= 3 * drills->scriptView()->height() / 10);
        }
    }

    // The docs' bad-release picture: a fault on green fires alerts, the
    // Alerts dock opens beside the Dashboard at 1280 px and the page
    // reflows. Nothing is cut without a sign: the dock's columns are whole
    // and a tile detail too long for its tile ends in "…" with a tooltip.
    void badReleaseWithTheAlertsDock() {
        test::FullConsole c;
        QCOMPARE(
            c.open(QSize(1280, 800), Theme::Light, 100.0, u"dashboard"_s, u"bad-release-green"_s),
            QString());
        AlertsDock* dock = c.pages.drills->dock();
        QTRY_VERIFY_WITH_TIMEOUT(dock->isVisible(), kTimeoutMs);
        QTest::qWait(1500);  // the page reflows, a few more snapshots arrive
        const QImage image = c.window->grab().toImage();
        const QString path = QStringLiteral(
            PULSCO_BINARY_DIR "/screenshots/bad-release-green-alerts-1280x800-light.png");
        QVERIFY2(image.save(path, "PNG"), qPrintable(path));
        qInfo("screenshot: %s", qPrintable(path));

        DashboardPage* d = c.window->dashboard();
        auto* scroll = d->findChild<QScrollArea*>();
        QCOMPARE(scroll->horizontalScrollBar()->maximum(), 0);
        QStringList clipped = clippedLabels(c.window->sourceBar()) + clippedLabels(d);
        QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join(u", "_s)));

        QTableView* table = dock->panel()->table();
        QHeaderView* header = table->horizontalHeader();
        QVERIFY(table->model()->rowCount() > 0);
        QVERIFY(!header->isSectionHidden(AlertListModel::State));
        int used = 0;
        for (int col = 0; col < header->count(); ++col) {
            if (header->isSectionHidden(col))
                continue;
            used += header->sectionSize(col);
            if (col != AlertListModel::Alert)
                QVERIFY2(header->sectionSize(col) >=
                             static_cast<QAbstractItemView*>(table)->sizeHintForColumn(col),
                         qPrintable(QString::number(col)));
        }
        QVERIFY(used <= table->viewport()->width());
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
