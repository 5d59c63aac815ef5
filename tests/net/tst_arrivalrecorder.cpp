// pulsco-matchd's arrival recorder on real files (issue 20, item 1): what
// it writes reads back through the format's decoder; player ids are
// pseudonymous (stable within a recording, never the id) unless raw ids
// were asked for; parts rotate at their size and only the newest are kept;
// a writer that falls behind loses events counted and marked by a gap line
// at the place they were lost, while record() never waits for it; an
// existing file is never overwritten.
#include "net/record/ArrivalRecorder.h"
#include "net/record/SipHash.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

RecordingHeader header() {
    RecordingHeader h;
    h.server = "blue";
    h.environment = "staging";
    h.startedUnixMs = 1796420857806;
    h.regions = {"eu-west", "us-east"};
    return h;
}

RecordedTicket ticket(double t, int n, const std::string& player) {
    PartyMember m;
    m.id = player;
    m.rating = {25, 8.333};
    m.pingMs = {30, 110};
    return {t, "blue-t" + std::to_string(n), {"duel-1v1", {m}}};
}

struct ReadBack {
    RecordingHeader header;
    std::vector<RecordedEvent> events;
};

ReadBack readPart(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    const QList<QByteArray> lines = f.readAll().split('\n');
    ReadBack out;
    std::string error;
    const auto h = decodeRecordingHeader(lines.value(0).toStdString(), &error);
    if (!h)
        qFatal("%s: %s", qPrintable(path), error.c_str());
    out.header = *h;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (lines[i].isEmpty())
            continue;
        const auto e = decodeRecordedEvent(lines[i].toStdString(), h->regions.size(), &error);
        if (!e)
            qFatal("%s:%lld: %s", qPrintable(path), static_cast<long long>(i + 1), error.c_str());
        out.events.push_back(*e);
    }
    return out;
}

}  // namespace

class TestArrivalRecorder : public QObject {
    Q_OBJECT
private slots:
    void writesWhatWasRecorded();
    void rawIdsWhenAsked();
    void rotatesAndKeepsTheNewest();
    void losesNothingSilentlyWhenBehind();
    void neverOverwrites();
    void sipHashMatchesTheReference();
};

// The reference implementation's test vector: key 00..0f, message 00..0e.
void TestArrivalRecorder::sipHashMatchesTheReference() {
    std::string message;
    for (int i = 0; i < 15; ++i)
        message += char(i);
    QCOMPARE(sipHash24(0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull, message),
             0xa129ca6149be45e5ull);
    QCOMPARE(sipHash24(0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull, {}), 0x726fdb47dd0e0e31ull);
}

void TestArrivalRecorder::writesWhatWasRecorded() {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"arrivals.rec"_s);
    QString error;
    auto r = ArrivalRecorder::start({path}, header(), &error);
    QVERIFY2(r, qPrintable(error));
    r->record(ticket(1.0, 1, "alice"));
    r->record(ticket(1.5, 2, "bob"));
    r->record(ticket(1.7, 3, "alice"));
    r->record(RecordedCancel{2.0, "blue-t2"});
    r->record(RecordedResult{9.25, "blue-m1", 0});
    const ArrivalRecorder::Status s = r->stop();
    QCOMPARE(s.written, 5u);
    QCOMPARE(s.lost, 0u);
    QVERIFY(s.error.isEmpty());
    QCOMPARE(qint64(s.bytes), QFileInfo(path).size());

    const ReadBack back = readPart(path);
    QCOMPARE(back.header.server, std::string("blue"));
    QVERIFY(back.header.pseudonymous);
    QCOMPARE(back.header.part, 1);
    QCOMPARE(back.events.size(), 5u);
    const auto& a1 = std::get<RecordedTicket>(back.events[0]);
    const auto& b = std::get<RecordedTicket>(back.events[1]);
    const auto& a2 = std::get<RecordedTicket>(back.events[2]);
    // Pseudonyms: never the id, one per player within the recording.
    QVERIFY(a1.request.players[0].id != "alice");
    QCOMPARE(a1.request.players[0].id, a2.request.players[0].id);
    QVERIFY(a1.request.players[0].id != b.request.players[0].id);
    QCOMPARE(a1.request.queue, std::string("duel-1v1"));
    QCOMPARE(a1.request.players[0].pingMs, (std::vector<int>{30, 110}));
    QCOMPARE(std::get<RecordedCancel>(back.events[3]).ticket, std::string("blue-t2"));
    QCOMPARE(std::get<RecordedResult>(back.events[4]).match, std::string("blue-m1"));
    // A second recording salts anew: the same player gets another pseudonym.
    const QString other = dir.filePath(u"other.rec"_s);
    auto r2 = ArrivalRecorder::start({other}, header(), &error);
    r2->record(ticket(1.0, 1, "alice"));
    r2->stop();
    QVERIFY(std::get<RecordedTicket>(readPart(other).events[0]).request.players[0].id !=
            a1.request.players[0].id);
}

void TestArrivalRecorder::rawIdsWhenAsked() {
    QTemporaryDir dir;
    RecorderOptions o{dir.filePath(u"raw.rec"_s)};
    o.rawIds = true;
    QString error;
    auto r = ArrivalRecorder::start(o, header(), &error);
    QVERIFY2(r, qPrintable(error));
    r->record(ticket(1.0, 1, "alice smith"));
    r->stop();
    const ReadBack back = readPart(o.path);
    QVERIFY(!back.header.pseudonymous);
    QCOMPARE(std::get<RecordedTicket>(back.events[0]).request.players[0].id,
             std::string("alice smith"));
}

void TestArrivalRecorder::rotatesAndKeepsTheNewest() {
    QTemporaryDir dir;
    RecorderOptions o{dir.filePath(u"arrivals.rec"_s)};
    o.maxPartBytes = 1000;  // a handful of events per part
    o.keepParts = 3;
    QString error;
    auto r = ArrivalRecorder::start(o, header(), &error);
    QVERIFY2(r, qPrintable(error));
    for (int i = 0; i < 200; ++i)
        r->record(ticket(i * 0.1, i + 1, "p" + std::to_string(i)));
    const ArrivalRecorder::Status s = r->stop();
    QCOMPARE(s.written, 200u);
    QVERIFY2(s.part > 3, "no rotation");
    // Only the newest three parts are there; each starts with its header,
    // holds no more than the size, and they continue one another.
    QVERIFY(!QFile::exists(o.path));
    QVERIFY(!QFile::exists(ArrivalRecorder::partPath(o.path, s.part - 3)));
    int lastTicket = -1;
    for (int part = s.part - 2; part <= s.part; ++part) {
        const QString path = ArrivalRecorder::partPath(o.path, part);
        QVERIFY2(QFile::exists(path), qPrintable(path));
        QVERIFY(QFileInfo(path).size() <= 1000);
        const ReadBack back = readPart(path);
        QCOMPARE(back.header.part, part);
        QVERIFY(!back.events.empty());
        for (const RecordedEvent& e : back.events) {
            const int n = std::stoi(std::get<RecordedTicket>(e).ticket.substr(6));
            QVERIFY(lastTicket < 0 || n == lastTicket + 1);
            lastTicket = n;
        }
    }
    QCOMPARE(lastTicket, 200);
}

void TestArrivalRecorder::losesNothingSilentlyWhenBehind() {
    QTemporaryDir dir;
    RecorderOptions o{dir.filePath(u"arrivals.rec"_s)};
    o.maxQueuedEvents = 10;
    QString error;
    auto r = ArrivalRecorder::start(o, header(), &error);
    QVERIFY2(r, qPrintable(error));
    r->holdWriter(true);  // the disk does not keep up
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < 25; ++i)
        r->record(ticket(i, i + 1, "p"));
    // The caller never waited for the writer.
    QVERIFY(clock.elapsed() < 1000);
    QCOMPARE(r->status().lost, 15u);
    r->holdWriter(false);
    QTRY_COMPARE(r->status().written, 10u);
    r->record(ticket(30, 26, "p"));  // after the gap
    QTRY_COMPARE(r->status().written, 11u);
    for (int i = 0; i < 12; ++i)  // behind again, at the end
        r->record(ticket(40 + i, 27 + i, "p"));
    const ArrivalRecorder::Status s = r->stop();
    QCOMPARE(s.lost + s.written, 26u + 12u);
    QVERIFY(s.gaps >= 1);

    const ReadBack back = readPart(o.path);
    std::uint64_t events = 0, lost = 0;
    bool gapBefore26 = false;
    for (std::size_t i = 0; i < back.events.size(); ++i) {
        if (const auto* g = std::get_if<RecordedGap>(&back.events[i])) {
            lost += g->lost;
            // The first gap sits between ticket 10 and ticket 26, where
            // tickets 11 to 25 were lost.
            if (g->lost == 15) {
                QCOMPARE(std::get<RecordedTicket>(back.events[i - 1]).ticket,
                         std::string("blue-t10"));
                QCOMPARE(std::get<RecordedTicket>(back.events[i + 1]).ticket,
                         std::string("blue-t26"));
                gapBefore26 = true;
            }
        } else {
            ++events;
        }
    }
    QVERIFY(gapBefore26);
    QCOMPARE(events, s.written);
    QCOMPARE(lost, s.lost);  // every lost event is in a gap line
}

void TestArrivalRecorder::neverOverwrites() {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"arrivals.rec"_s);
    QFile existing(path);
    QVERIFY(existing.open(QIODevice::WriteOnly) && existing.write("keep me\n") > 0);
    existing.close();
    QString error;
    QVERIFY(!ArrivalRecorder::start({path}, header(), &error));
    QVERIFY2(error.startsWith(path) && error.contains(u"never overwritten"_s), qPrintable(error));
    QFile again(path);
    QVERIFY(again.open(QIODevice::ReadOnly));
    QCOMPARE(again.readAll(), QByteArray("keep me\n"));
    QVERIFY(!ArrivalRecorder::start({dir.filePath(u"no/such/dir/a.rec"_s)}, header(), &error));
    QVERIFY2(error.contains(u"cannot be created"_s), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestArrivalRecorder)
#include "tst_arrivalrecorder.moc"
