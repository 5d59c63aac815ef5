#include "net/record/ArrivalRecorder.h"

#include "net/record/SipHash.h"

#include <QFile>
#include <QRandomGenerator>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <pthread.h>

using namespace Qt::StringLiterals;

namespace pulsco {

QString ArrivalRecorder::partPath(const QString& path, int part) {
    return part <= 1 ? path : path + u'.' + QString::number(part);
}

ArrivalRecorder::ArrivalRecorder(RecorderOptions options, RecordingHeader header)
    : m_options(std::move(options))
    , m_header(std::move(header)) {
    m_header.pseudonymous = !m_options.rawIds;
    // 16 random bytes, kept in memory only: without them nobody can tell
    // which player a pseudonym is by hashing candidate ids.
    m_salt.resize(16);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32*>(m_salt.data()),
                                         reinterpret_cast<quint32*>(m_salt.data() + 16));
    m_status.path = m_options.path;
}

std::unique_ptr<ArrivalRecorder> ArrivalRecorder::start(const RecorderOptions& options,
                                                        RecordingHeader header, QString* error) {
    if (options.path.isEmpty()) {
        *error = u"recording: no file given"_s;
        return nullptr;
    }
    if (QFile::exists(options.path)) {
        *error = options.path + u": exists (a recording is never overwritten: move it away or "
                                "give another path)"_s;
        return nullptr;
    }
    std::unique_ptr<ArrivalRecorder> r(new ArrivalRecorder(options, std::move(header)));
    if (!r->openPart(1, error))
        return nullptr;
    r->m_writer = std::thread([raw = r.get()] { raw->run(); });
    return r;
}

ArrivalRecorder::~ArrivalRecorder() {
    stop();
}

ArrivalRecorder::Status ArrivalRecorder::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        // Events lost at the very end have no event after them to mark the
        // place: the gap goes last.
        if (m_lostPending > 0) {
            m_queue.push_back(RecordedGap{m_lastTime, m_lostPending});
            m_lostPending = 0;
        }
    }
    m_wake.notify_all();
    if (m_writer.joinable())
        m_writer.join();
    if (m_file) {
        if (std::fclose(m_file) != 0) {
            std::lock_guard lock(m_mutex);
            m_status.error = partPath(m_options.path, m_header.part) + u": "_s +
                             QString::fromLocal8Bit(std::strerror(errno));
        }
        m_file = nullptr;
    }
    return status();
}

bool ArrivalRecorder::openPart(int part, QString* error) {
    const QString path = partPath(m_options.path, part);
    std::FILE* file = std::fopen(QFile::encodeName(path).constData(), "wbx");
    if (!file) {
        *error = path + u": cannot be created: "_s + QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    if (m_file)
        std::fclose(m_file);
    m_file = file;
    m_partBytes = 0;
    m_header.part = part;
    {
        std::lock_guard lock(m_mutex);
        m_status.part = part;
    }
    writeLine(encodeRecordingHeader(m_header), /*header=*/true);
    // Only the newest parts stay: the oldest beyond them goes.
    if (m_options.keepParts > 0 && part > m_options.keepParts)
        QFile::remove(partPath(m_options.path, part - m_options.keepParts));
    return true;
}

void ArrivalRecorder::record(RecordedEvent event) {
    {
        std::lock_guard lock(m_mutex);
        if (m_stop)
            return;
        const double t = timeOf(event);
        if (m_queue.size() >= m_options.maxQueuedEvents) {
            ++m_lostPending;
            ++m_status.lost;
            m_lastTime = t;
            return;
        }
        if (m_lostPending > 0) {
            // The lost events came before this one: the gap marks the place.
            m_queue.push_back(RecordedGap{t, m_lostPending});
            m_lostPending = 0;
        }
        m_lastTime = t;
        m_queue.push_back(std::move(event));
    }
    // No wake-up per event (a futex call each, on the server's thread): the
    // writer takes what has queued every kBatchMs.
}

ArrivalRecorder::Status ArrivalRecorder::status() const {
    std::lock_guard lock(m_mutex);
    return m_status;
}

void ArrivalRecorder::holdWriter(bool hold) {
    {
        std::lock_guard lock(m_mutex);
        m_hold = hold;
    }
    m_wake.notify_all();
}

std::string ArrivalRecorder::pseudonym(const std::string& id) {
    std::uint64_t k[2];
    std::memcpy(k, m_salt.constData(), sizeof k);
    const std::uint64_t h = sipHash24(k[0], k[1], id);
    char text[18] = {'p'};
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 16; ++i)
        text[1 + i] = kHex[(h >> (60 - 4 * i)) & 15];
    return std::string(text, 17);
}

bool ArrivalRecorder::writeLine(const std::string& line, bool header) {
    if (!m_file)
        return false;
    // A part that would pass its size gets a successor first (a part holds
    // its header and at least one event, whatever the size).
    if (!header && m_partBytes > m_headerBytes &&
        m_partBytes + qint64(line.size()) + 1 > m_options.maxPartBytes) {
        QString error;
        if (!openPart(m_header.part + 1, &error)) {
            std::lock_guard lock(m_mutex);
            m_status.error = error;
            return false;
        }
    }
    const bool ok = std::fwrite(line.data(), 1, line.size(), m_file) == line.size() &&
                    std::fputc('\n', m_file) != EOF;
    std::lock_guard lock(m_mutex);
    if (!ok) {
        m_status.error = partPath(m_options.path, m_header.part) + u": "_s +
                         QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    m_partBytes += qint64(line.size()) + 1;
    if (header)
        m_headerBytes = m_partBytes;
    m_status.bytes += line.size() + 1;
    return true;
}

void ArrivalRecorder::run() {
    // Named, so its CPU can be told apart (tests/bench/record.sh, top -H).
    pthread_setname_np(pthread_self(), "pulsco-record");
    for (;;) {
        std::deque<RecordedEvent> batch;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, std::chrono::milliseconds(kBatchMs), [this] { return m_stop; });
            if (m_queue.empty() && m_stop)
                return;
            if (m_hold && !m_stop)
                continue;  // test knob: the disk is behind
            batch.swap(m_queue);
        }
        std::uint64_t written = 0, gaps = 0, failed = 0;
        for (RecordedEvent& event : batch) {
            if (auto* ticket = std::get_if<RecordedTicket>(&event); ticket && !m_options.rawIds)
                for (PartyMember& m : ticket->request.players)
                    m.id = pseudonym(m.id);
            const bool gap = std::holds_alternative<RecordedGap>(event);
            if (!writeLine(encodeRecordedEvent(event)))
                failed += gap ? std::get<RecordedGap>(event).lost : 1;  // the error says why
            else
                ++(gap ? gaps : written);
        }
        if (m_file)
            std::fflush(m_file);
        std::lock_guard lock(m_mutex);
        m_status.written += written;
        m_status.gaps += gaps;
        m_status.lost += failed;
    }
}

}  // namespace pulsco
