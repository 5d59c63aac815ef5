// The event log: bounded, newest first, filtered by kind and searched.
#include "ui/EventLogFilter.h"
#include "ui/EventLogModel.h"
#include "ui/EventLogView.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace pulsco;
using namespace Qt::StringLiterals;

namespace {

LogEvent makeEvent(LogEventKind kind, double t, std::string text, std::string color = "blue") {
    LogEvent e;
    e.kind = kind;
    e.timeSeconds = t;
    e.wallTimeUnixMs = 1.7e12 + t * 1000;
    e.color = std::move(color);
    e.text = std::move(text);
    return e;
}

std::vector<LogEvent> mixedBatch(int first, int count) {
    std::vector<LogEvent> batch;
    for (int i = first; i < first + count; ++i) {
        const LogEventKind kind = i % 10 == 0   ? LogEventKind::FaultStart
                                  : i % 7 == 0  ? LogEventKind::Expiry
                                  : i % 13 == 0 ? LogEventKind::Breach
                                                : LogEventKind::Match;
        batch.push_back(makeEvent(kind, i,
                                  "event " + std::to_string(i) + (i % 2 ? " eu-west" : " us-east"),
                                  i % 3 ? "blue" : "green"));
    }
    return batch;
}

}  // namespace

class TestEventLog : public QObject {
    Q_OBJECT
private slots:
    void newestFirstAndBounded() {
        EventLogModel model(100);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append(mixedBatch(0, 60));
        QCOMPARE(model.rowCount(), 60);
        QCOMPARE(model.eventAt(0).text, std::string("event 59 eu-west"));
        model.append(mixedBatch(60, 60));
        QCOMPARE(model.rowCount(), 100);  // bounded
        QCOMPARE(model.eventAt(0).text, std::string("event 119 eu-west"));
        QCOMPARE(model.eventAt(99).text, std::string("event 20 us-east"));  // oldest kept
        QCOMPARE(model.totalAppended(), 120u);
    }

    void hugeBatchKeepsOnlyTheNewest() {
        EventLogModel model(50);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append(mixedBatch(0, 10));
        model.append(mixedBatch(10, 500));
        QCOMPARE(model.rowCount(), 50);
        QCOMPARE(model.eventAt(0).text, std::string("event 509 eu-west"));
        QCOMPARE(model.eventAt(49).text, std::string("event 460 us-east"));
    }

    void columnsShowBothTimes() {
        EventLogModel model;
        model.append({makeEvent(LogEventKind::FaultStart, 3723, "latency +300ms green", "green")});
        QCOMPARE(model.index(0, EventLogModel::SourceTime).data().toString(), u"01:02:03"_s);
        QVERIFY(model.index(0, EventLogModel::WallTime).data().toString().contains(u':'));
        QCOMPARE(model.index(0, EventLogModel::Kind).data().toString(), u"Fault start"_s);
        QCOMPARE(model.index(0, EventLogModel::Color).data().toString(), u"green"_s);
        QCOMPARE(model.index(0, EventLogModel::Text).data().toString(), u"latency +300ms green"_s);
        for (int c = 0; c < EventLogModel::ColumnCount; ++c) {
            QVERIFY(!model.headerData(c, Qt::Horizontal).toString().isEmpty());
            QVERIFY(!model.headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
        }
    }

    void filter_data() {
        QTest::addColumn<QList<int>>("kinds");
        QTest::addColumn<QString>("search");
        QTest::addRow("everything") << QList<int>{} << QString();
        QTest::addRow("faults only")
            << QList<int>{static_cast<int>(LogEventKind::FaultStart)} << QString();
        QTest::addRow("matches only")
            << QList<int>{static_cast<int>(LogEventKind::Match)} << QString();
        QTest::addRow("search region") << QList<int>{} << u"EU-WEST"_s;
        QTest::addRow("search color") << QList<int>{} << u"green"_s;
        QTest::addRow("search kind word") << QList<int>{} << u"breach"_s;
        QTest::addRow("kind and search") << QList<int>{static_cast<int>(LogEventKind::Expiry),
                                                       static_cast<int>(LogEventKind::Breach)}
                                         << u"us-east"_s;
        QTest::addRow("nothing matches") << QList<int>{} << u"no such text"_s;
    }
    void filter() {
        QFETCH(QList<int>, kinds);
        QFETCH(QString, search);
        EventLogModel model;
        EventLogFilter proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const std::vector<LogEvent> batch = mixedBatch(0, 300);
        model.append(batch);
        QSet<LogEventKind> kindSet;
        for (const int k : kinds)
            kindSet.insert(static_cast<LogEventKind>(k));
        proxy.setKinds(kindSet);
        proxy.setSearchText(search);
        // Brute force over the same events.
        int expected = 0;
        for (const LogEvent& e : batch) {
            if (!kindSet.isEmpty() && !kindSet.contains(e.kind))
                continue;
            const QString haystack = QString::fromStdString(e.text) + u' ' +
                                     EventLogModel::kindLabel(e.kind) + u' ' +
                                     QString::fromStdString(e.color);
            if (!search.isEmpty() && !haystack.contains(search, Qt::CaseInsensitive))
                continue;
            ++expected;
        }
        QCOMPARE(proxy.rowCount(), expected);
        // Rows appended after the filter is set are filtered too.
        model.append(mixedBatch(300, 10));
        for (int row = 0; row < proxy.rowCount(); ++row) {
            const QModelIndex source = proxy.mapToSource(proxy.index(row, 0));
            const LogEvent& e = model.eventAt(source.row());
            QVERIFY(kindSet.isEmpty() || kindSet.contains(e.kind));
        }
    }

    void viewControlsDriveTheFilter() {
        EventLogView view;
        view.resize(700, 300);
        view.show();
        view.append(mixedBatch(0, 100));
        QCOMPARE(view.table()->model()->rowCount(), 100);
        view.setKindFilter(EventLogView::KindFilter::Faults);
        QCOMPARE(view.table()->model()->rowCount(), 10);  // 0, 10, ..., 90
        view.setKindFilter(EventLogView::KindFilter::Notable);
        const int notable = view.table()->model()->rowCount();
        QVERIFY(notable > 10 && notable < 100);
        view.setKindFilter(EventLogView::KindFilter::All);
        QTest::keyClicks(view.searchBox(), u"event 4"_s);
        // "event 4" and "event 40".."event 49"
        QCOMPARE(view.table()->model()->rowCount(), 11);
        view.searchBox()->clear();
        QCOMPARE(view.table()->model()->rowCount(), 100);
    }
};

QTEST_MAIN(TestEventLog)
#include "tst_event_log.moc"
