// The readiness_probes table (migration 004): the console's history of each
// live server's /readyz answers, kept so that downtime the console saw still
// counts after it restarts. Run-length rows: a new row when the answer
// changes (or a new watching session begins), else the current row's end
// moves forward, written at most every kFlushMs so a probe every few seconds
// does not cost a disk flush each.
#pragma once

#include <QString>

#include <map>
#include <utility>
#include <vector>

namespace pulsco {

class ConsoleStore;

struct ReadinessProbeRow {
    QString server;  // base URL
    qint64 fromMs = 0;
    qint64 toMs = 0;
    bool ready = false;
    qint64 probes = 0;
    QString reason;      // why not ready (the answer or the network error), "" when ready
    qint64 session = 0;  // one watching session of the console
};

class ReadinessProbeLog {
public:
    static constexpr qint64 kFlushMs = 15000;

    explicit ReadinessProbeLog(ConsoleStore& store);
    ~ReadinessProbeLog();  // writes the pending ends

    // Begins a new watching session for `server`: its next probe opens a
    // row (time the console did not watch is not counted either way).
    void beginSession(const QString& server);
    // One probe's answer at `atMs` (Unix ms). False and *error naming the
    // database file when it could not be written.
    bool record(const QString& server, qint64 atMs, bool ready, const QString& reason,
                QString* error);
    // Writes every row's pending end now.
    bool flush(QString* error);

    // The spans `server` answered not ready, [from, to) in Unix ms, from
    // `sinceMs` on: each not-ready row up to the next row's start when that
    // row is of the same session (the first probe that said otherwise),
    // else to its own last probe: time nobody watched is not claimed.
    std::vector<std::pair<qint64, qint64>> downSpans(const QString& server, qint64 sinceMs) const;
    std::vector<ReadinessProbeRow> rows(const QString& server) const;

private:
    struct Open {
        qint64 id = 0;
        bool ready = false;
        qint64 toMs = 0;
        qint64 probes = 0;
        qint64 writtenAtMs = 0;
        bool dirty = false;
    };
    bool writeEnd(Open& open, QString* error);

    qint64 sessionOf(const QString& server);

    ConsoleStore& m_store;
    std::map<QString, Open> m_open;        // by server, the session's current row
    std::map<QString, qint64> m_sessions;  // by server, this session's number
};

}  // namespace pulsco
