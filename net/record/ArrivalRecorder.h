// pulsco-matchd's recording of its arrival stream (--record FILE, POST
// /v1/admin/recording): tickets accepted, cancelled, results reported, in
// the line format of core/Recording.h, for replay into the simulator.
//
// Never slows or fails a request: the server thread only appends an event
// to a bounded queue (a mutex held for a push); a writer thread of its own
// pseudonymises the player ids (SipHash-2-4 under a random 128-bit key kept
// in memory only, so ids cannot be looked up by hashing guesses:
// net/record/SipHash.h), encodes and writes.
// When the queue is full — the disk is behind — the event is counted as
// lost and a gap line ("G <time> <lost>") marks the place in the file; the
// counts are in /metrics. Parts rotate at a size (FILE, FILE.2, FILE.3, …,
// each with its header) and only the newest `keepParts` are kept.
#pragma once

#include "core/Recording.h"

#include <QByteArray>
#include <QString>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace pulsco {

struct RecorderOptions {
    QString path;  // the first part; later parts add ".2", ".3", …
    bool rawIds = false;
    qint64 maxPartBytes = 64LL * 1024 * 1024;
    int keepParts = 16;
    std::size_t maxQueuedEvents = 65536;
};

class ArrivalRecorder {
public:
    // The writer takes the queued events every this many milliseconds.
    static constexpr int kBatchMs = 20;

    struct Status {
        QString path;
        int part = 0;
        std::uint64_t written = 0;  // events on disk
        std::uint64_t lost = 0;     // events the queue had no room for
        std::uint64_t gaps = 0;     // gap lines written
        std::uint64_t bytes = 0;    // bytes written, all parts
        QString error;              // the last write error, "" when fine
    };

    // Opens the first part and starts the writer; null with *error naming
    // the file and why when it cannot be written.
    static std::unique_ptr<ArrivalRecorder> start(const RecorderOptions& options,
                                                  RecordingHeader header, QString* error);
    ~ArrivalRecorder();  // stop()
    // Writes what is queued, closes the file and says what was written in
    // all; later record() calls are ignored.
    Status stop();
    ArrivalRecorder(const ArrivalRecorder&) = delete;
    ArrivalRecorder& operator=(const ArrivalRecorder&) = delete;

    // From the server thread; never blocks on the disk.
    void record(RecordedEvent event);
    Status status() const;
    // Test knob: the writer takes no events until released (a disk that
    // does not keep up, without needing one).
    void holdWriter(bool hold);

    // The name of part `n` of a recording whose first part is `path`.
    static QString partPath(const QString& path, int part);

private:
    explicit ArrivalRecorder(RecorderOptions options, RecordingHeader header);
    bool openPart(int part, QString* error);
    void run();
    bool writeLine(const std::string& line, bool header = false);
    std::string pseudonym(const std::string& id);

    RecorderOptions m_options;
    RecordingHeader m_header;
    QByteArray m_salt;
    std::FILE* m_file = nullptr;  // the writer thread's, after start()
    qint64 m_partBytes = 0;
    qint64 m_headerBytes = 0;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<RecordedEvent> m_queue;
    std::uint64_t m_lostPending = 0;  // lost since the last accepted event
    double m_lastTime = 0;
    bool m_stop = false;
    bool m_hold = false;
    Status m_status;
    std::thread m_writer;
};

}  // namespace pulsco
