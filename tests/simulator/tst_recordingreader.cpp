// Recordings read for replay (simulator/RecordingReader, issue 20): a file
// and its rotated parts, or their folder, in order; malformed recordings
// refused with the file, the line and why (a truncated line inside,
// an unknown format, time going backwards, parts of two recordings, a
// missing part); a last line cut short skipped and counted; parts rotated
// away and the recorder's own gaps said.
#include "simulator/RecordingReader.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

QByteArray header(int part, const QByteArray& started = "1000") {
    return "pulsco-recording 1 server=blue environment=staging started_unix_ms=" + started +
           " ids=pseudonymous regions=eu,na part=" + QByteArray::number(part) + '\n';
}

QByteArray ticket(double t, int n) {
    return "T " + QByteArray::number(t, 'f', 3) + " blue-t" + QByteArray::number(n) +
           " duel-1v1 pa|25.000|8.333|30,-\n";
}

}  // namespace

class TestRecordingReader : public QObject {
    Q_OBJECT
private slots:
    void init() { QVERIFY(m_dir.isValid()); }
    void readsAFileAndItsParts();
    void readsAFolder();
    void refuses_data();
    void refuses();
    void skipsACutLastLine();
    void saysWhatWasRotatedAwayAndLost();

private:
    QString write(const QString& name, const QByteArray& content) {
        QDir().mkpath(QFileInfo(m_dir.filePath(name)).absolutePath());
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(name));
        return f.fileName();
    }
    QTemporaryDir m_dir;
};

void TestRecordingReader::readsAFileAndItsParts() {
    const QString first = write(u"a/rec"_s, header(1) + ticket(1, 1) + ticket(2, 2));
    write(u"a/rec.2"_s, header(2) + "C 2.500 blue-t1\n" + ticket(3, 3));
    write(u"a/rec.3"_s, header(3) + "R 9.000 blue-m1 0\n");
    const RecordingLoad load = loadRecording(first);
    QVERIFY2(load.recording, qPrintable(load.error));
    const Recording& r = *load.recording;
    QCOMPARE(r.files.size(), 3);
    QCOMPARE(r.events.size(), 5u);
    QCOMPARE(std::get<RecordedTicket>(r.events[3]).ticket, std::string("blue-t3"));
    QVERIFY(std::holds_alternative<RecordedResult>(r.events[4]));
    QCOMPARE(r.header.regions, (std::vector<std::string>{"eu", "na"}));
    QVERIFY(r.notes.isEmpty());
}

void TestRecordingReader::readsAFolder() {
    // Names out of order, another file beside them.
    write(u"f/z-first"_s, header(1) + ticket(1, 1));
    write(u"f/a-second"_s, header(2) + ticket(2, 2));
    write(u"f/README"_s, "not a part\n");
    const RecordingLoad load = loadRecording(m_dir.filePath(u"f"_s));
    QVERIFY2(load.recording, qPrintable(load.error));
    QCOMPARE(load.recording->events.size(), 2u);
    QCOMPARE(std::get<RecordedTicket>(load.recording->events[0]).ticket, std::string("blue-t1"));
}

void TestRecordingReader::refuses_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("says");
    QTest::newRow("truncated line inside")
        << u"t1"_s << header(1) + ticket(1, 1) + "T 2.000 blue-t2 duel-1v1\n" + ticket(3, 3)
        << u"t1:3: must be \"T <time> <ticket> <queue> <member>...\""_s;
    QTest::newRow("unknown version")
        << u"t2"_s << QByteArray("pulsco-recording 9 server=blue regions=eu\n") + ticket(1, 1)
        << u"t2:1: format 9 is not one this build reads (it reads 1)"_s;
    QTest::newRow("not a recording")
        << u"t3"_s << QByteArray("hello\n") << u"t3:1: not a recording"_s;
    QTest::newRow("time backwards") << u"t4"_s << header(1) + ticket(5, 1) + ticket(4.5, 2)
                                    << u"t4:3: time goes backwards (4.5 s after 5 s)"_s;
    QTest::newRow("bad ping count") << u"t5"_s << header(1) + "T 1.0 blue-t1 duel-1v1 pa|25|8|30\n"
                                    << u"t5:2: field 5 (member): needs one ping per region"_s;
}

void TestRecordingReader::refuses() {
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(QString, says);
    const QString path = write(name, content);
    const RecordingLoad load = loadRecording(path);
    QVERIFY(!load.recording);
    QVERIFY2(load.error.startsWith(m_dir.filePath(says.section(u':', 0, 0))) &&
                 load.error.contains(says.section(u':', 1)),
             qPrintable(load.error));
}

void TestRecordingReader::skipsACutLastLine() {
    const QString path =
        write(u"cut"_s, header(1) + ticket(1, 1) + "T 2.000 blue-t2 duel-1v1 pa|2");
    const RecordingLoad load = loadRecording(path);
    QVERIFY2(load.recording, qPrintable(load.error));
    QCOMPARE(load.recording->events.size(), 1u);
    QCOMPARE(load.recording->cutLinesSkipped, 1u);
    QVERIFY2(load.recording->notes.value(0).contains(u"cut:3: the last line was cut short"_s),
             qPrintable(load.recording->notes.join(u'\n')));
}

void TestRecordingReader::saysWhatWasRotatedAwayAndLost() {
    write(u"r/rec.4"_s, header(4) + ticket(100, 40) + "G 101.000 25\n" + ticket(102, 66));
    write(u"r/rec.5"_s, header(5) + ticket(103, 67));
    const RecordingLoad load = loadRecording(m_dir.filePath(u"r/rec.4"_s));
    QVERIFY2(load.recording, qPrintable(load.error));
    QCOMPARE(load.recording->files.size(), 2);
    QCOMPARE(load.recording->lostInGaps, 25u);
    const QString notes = load.recording->notes.join(u'\n');
    QVERIFY2(notes.contains(u"parts 1 to 3 were rotated away"_s), qPrintable(notes));
    QVERIFY2(notes.contains(u"25 events were lost by the recorder"_s), qPrintable(notes));

    // A missing part between two others, and a part of another recording.
    write(u"m/rec"_s, header(1) + ticket(1, 1));
    write(u"m/rec.3"_s, header(3) + ticket(3, 3));
    const RecordingLoad missing = loadRecording(m_dir.filePath(u"m"_s));
    QVERIFY(!missing.recording);
    QVERIFY2(missing.error.contains(u"part 3 follows part 1"_s), qPrintable(missing.error));
    write(u"x/rec"_s, header(1) + ticket(1, 1));
    write(u"x/rec.2"_s, header(2, "2000") + ticket(3, 3));
    const RecordingLoad mixed = loadRecording(m_dir.filePath(u"x/rec"_s));
    QVERIFY(!mixed.recording);
    QVERIFY2(mixed.error.contains(u"a part of another recording"_s), qPrintable(mixed.error));
}

QTEST_GUILESS_MAIN(TestRecordingReader)
#include "tst_recordingreader.moc"
