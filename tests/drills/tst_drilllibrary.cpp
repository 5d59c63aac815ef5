// The drill library on real files: the shipped drills and the trainer's
// folder listed in order (a broken file listed with its error), copy names
// that never clash, and saving: checked as loading would, written whole,
// refused with the folder or file named.
#include "DrillFixture.h"
#include "drills/DrillLibrary.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace pulsco;
using namespace pulsco::test;
using namespace Qt::StringLiterals;

namespace {

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QVERIFY(f.write(bytes) == bytes.size());
}

}  // namespace

class TestDrillLibrary : public QObject {
    Q_OBJECT
private slots:
    void listsShippedThenTheUsersFiles_data() {
        QTest::addColumn<QStringList>("userFiles");  // "name=kind": good, broken or other
        QTest::addColumn<QStringList>("userNames");  // expected, in order
        QTest::addColumn<QList<bool>>("userLoads");
        QTest::addRow("no folder") << QStringList{} << QStringList{} << QList<bool>{};
        QTest::addRow("one good") << QStringList{u"mine.json=good"_s} << QStringList{u"mine"_s}
                                  << QList<bool>{true};
        QTest::addRow("broken listed with its error")
            << QStringList{u"b.json=good"_s, u"a.json=broken"_s} << QStringList{u"a"_s, u"mine"_s}
            << QList<bool>{false, true};
        QTest::addRow("only json files") << QStringList{u"notes.txt=other"_s, u"x.json=good"_s}
                                         << QStringList{u"mine"_s} << QList<bool>{true};
    }
    void listsShippedThenTheUsersFiles() {
        QFETCH(QStringList, userFiles);
        QFETCH(QStringList, userNames);
        QFETCH(QList<bool>, userLoads);
        QTemporaryDir dir;
        DrillScript mine = shippedDrill(u"region-outage"_s);
        mine.name = u"mine"_s;
        for (const QString& f : userFiles) {
            const QString kind = f.section(u'=', 1);
            writeFile(dir.filePath(f.section(u'=', 0, 0)),
                      kind == u"good"_s     ? drillToJson(mine)
                      : kind == u"broken"_s ? QByteArray("{\"format\": 1, \"name\": 7}")
                                            : QByteArray("not a drill"));
        }
        const DrillLibrary library(userFiles.isEmpty() ? QString() : dir.path(),
                                   realDrillContext());
        const std::vector<DrillEntry> entries = library.list();
        const QStringList shipped = shippedDrillPaths();
        QCOMPARE(entries.size(), std::size_t(shipped.size() + userNames.size()));
        for (qsizetype i = 0; i < shipped.size(); ++i) {
            const DrillEntry& e = entries[std::size_t(i)];
            QCOMPARE(e.path, shipped[i]);
            QVERIFY(!e.user);
            QVERIFY2(e.drill, qPrintable(e.error));
            QCOMPARE(e.name, e.drill->name);
        }
        for (qsizetype i = 0; i < userNames.size(); ++i) {
            const DrillEntry& e = entries[std::size_t(shipped.size() + i)];
            QVERIFY(e.user);
            QCOMPARE(e.name, userNames[i]);
            QCOMPARE(bool(e.drill), userLoads[i]);
            if (!e.drill)
                QVERIFY2(e.error.startsWith(e.path), qPrintable(e.error));
        }
    }

    void namesCopiesThatNeverClash_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("taken");
        QTest::addColumn<QString>("expected");
        QTest::addRow("free") << u"outage"_s << QStringList{u"outage"_s} << u"outage-copy"_s;
        QTest::addRow("copy taken")
            << u"outage"_s << QStringList{u"outage"_s, u"outage-copy"_s} << u"outage-copy-2"_s;
        QTest::addRow("two taken")
            << u"outage"_s << QStringList{u"outage-copy"_s, u"outage-copy-2"_s}
            << u"outage-copy-3"_s;
        QTest::addRow("cut to 64")
            << QString(62, u'a') << QStringList{} << QString(62, u'a') + u"-c"_s;
        // The cut name is what is saved: it must not be a name already taken
        // (before the fix, these returned the taken name and the save
        // overwrote that drill's file).
        QTest::addRow("cut copy taken")
            << QString(62, u'a') << QStringList{QString(62, u'a'), QString(62, u'a') + u"-c"_s}
            << QString(57, u'a') + u"-copy-2"_s;
        QTest::addRow("64 long, cut copy is the name")
            << QString(64, u'b') << QStringList{QString(64, u'b')}
            << QString(57, u'b') + u"-copy-2"_s;
        QTest::addRow("cut numbered copies taken")
            << QString(64, u'b')
            << QStringList{QString(64, u'b'), QString(57, u'b') + u"-copy-2"_s,
                           QString(57, u'b') + u"-copy-3"_s}
            << QString(57, u'b') + u"-copy-4"_s;
        QTest::addRow("suffix grows to two digits") << QString(64, u'b') << [] {
            QStringList taken{QString(64, u'b')};
            for (int n = 2; n <= 9; ++n)
                taken.append(QString(57, u'b') + u"-copy-"_s + QString::number(n));
            return taken;
        }() << QString(56, u'b') + u"-copy-10"_s;
    }
    void namesCopiesThatNeverClash() {
        QFETCH(QString, name);
        QFETCH(QStringList, taken);
        QFETCH(QString, expected);
        const QString copy = DrillLibrary::copyName(name, taken);
        QCOMPARE(copy, expected);
        QVERIFY(copy.size() <= DrillLibrary::kMaxNameLength);
        QVERIFY(!taken.contains(copy));
    }

    void savesCheckedDrills_data() {
        QTest::addColumn<QString>("folder");   // under the temporary dir; "" = none
        QTest::addColumn<QString>("name");     // the drill's name
        QTest::addColumn<QString>("blocker");  // a path made a directory or file first
        QTest::addColumn<QString>("error");    // "" = saved
        QTest::addRow("saved, folder created")
            << u"mine/drills"_s << u"copy"_s << QString() << QString();
        QTest::addRow("no folder configured")
            << QString() << u"copy"_s << QString() << u"No folder to save your drills in"_s;
        QTest::addRow("folder cannot be made")
            << u"file/drills"_s << u"copy"_s << u"file"_s << u"No folder to save your drills in"_s;
        QTest::addRow("file cannot be written")
            << u"mine"_s << u"copy"_s << u"mine/copy.json/"_s << u"copy.json: cannot save"_s;
        QTest::addRow("bad name refused")
            << u"mine"_s << u"Bad Name"_s << QString() << u"name: must be 1 to 64"_s;
    }
    void savesCheckedDrills() {
        QFETCH(QString, folder);
        QFETCH(QString, name);
        QFETCH(QString, blocker);
        QFETCH(QString, error);
        QTemporaryDir dir;
        if (blocker.endsWith(u'/'))
            QVERIFY(QDir().mkpath(dir.filePath(blocker)));
        else if (!blocker.isEmpty())
            writeFile(dir.filePath(blocker), "in the way");
        const DrillLibrary library(folder.isEmpty() ? QString() : dir.filePath(folder),
                                   realDrillContext());
        DrillScript drill = shippedDrill(u"region-outage"_s);
        drill.name = name;
        QString why;
        const std::optional<QString> saved = library.save(drill, &why);
        if (!error.isEmpty()) {
            QVERIFY(!saved);
            QVERIFY2(why.contains(error), qPrintable(why));
            QVERIFY(!QFile::exists(dir.filePath(folder + u'/' + name + u".json"_s)) ||
                    !blocker.isEmpty());
            return;
        }
        QVERIFY2(saved, qPrintable(why));
        QCOMPARE(*saved, library.userFilePath(name));
        // What was saved is listed, loads, and is the drill that was saved.
        const std::vector<DrillEntry> entries = library.list();
        QVERIFY(entries.back().user);
        QVERIFY2(entries.back().drill, qPrintable(entries.back().error));
        QCOMPARE(entries.back().drill->faults, drill.faults);
        QCOMPARE(entries.back().name, name);
    }
};

QTEST_GUILESS_MAIN(TestDrillLibrary)
#include "tst_drilllibrary.moc"
