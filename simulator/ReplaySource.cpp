#include "simulator/ReplaySource.h"

#include <QDateTime>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

QString noFaults() {
    return u"a replay: the recorded traffic is what it was; faults are for the simulator's "
           "scenarios and staging servers"_s;
}

}  // namespace

ReplaySource::ReplaySource(QString path, Recording recording, QueueConfig rules,
                           ReplayOptions options, QObject* parent)
    : Source(parent)
    , m_path(std::move(path))
    , m_recording(std::move(recording))
    , m_rules(std::move(rules))
    , m_options(options) {
    m_timer.setInterval(kSliceMs);
    connect(&m_timer, &QTimer::timeout, this, &ReplaySource::slice);
}

ReplaySource::~ReplaySource() = default;

QString ReplaySource::displayName() const {
    return u"Replay · "_s + QFileInfo(m_path).fileName() +
           (m_options.amplify > 1 ? u" ×%1"_s.arg(m_options.amplify) : QString());
}

Source::Capabilities ReplaySource::capabilities() const {
    Capabilities c;
    c.speedControl = true;
    c.faultsDisabledReason = noFaults();
    return c;
}

void ReplaySource::start() {
    if (m_state != State::Stopped && m_state != State::Failed)
        return;
    // From the start of the recording each time, as a scenario restarts.
    m_engine = std::make_unique<ReplayEngine>(m_rules, m_recording.header.regions,
                                              m_recording.events, m_options);
    m_sequence = 0;
    auto notes = std::make_shared<std::vector<LogEvent>>();
    const auto note = [&](LogEventKind kind, const QString& text) {
        LogEvent e;
        e.kind = kind;
        e.wallTimeUnixMs = double(QDateTime::currentMSecsSinceEpoch());
        e.text = text.toStdString();
        notes->push_back(std::move(e));
    };
    note(LogEventKind::Info, u"Replaying %1: %2 events from %3 part(s), server %4"_s.arg(
                                 m_path, QString::number(m_recording.events.size()),
                                 QString::number(m_recording.files.size()),
                                 QString::fromStdString(m_recording.header.server)));
    for (const QString& n : m_recording.notes)
        note(LogEventKind::Info, n);
    for (const std::string& n : m_engine->notes())
        note(LogEventKind::Info, QString::fromStdString(n));
    emit eventsReady(notes);
    publish();
    setState(m_paused ? State::Paused : State::Running);
    m_timer.start();
}

void ReplaySource::stop() {
    m_timer.stop();
    setState(State::Stopped);
}

void ReplaySource::pause() {
    m_paused = true;
    if (m_state == State::Running)
        setState(State::Paused);
}

void ReplaySource::resume() {
    m_paused = false;
    if (m_state == State::Paused)
        setState(State::Running);
}

void ReplaySource::step() {
    if (!m_engine || m_engine->finished())
        return;
    advance(1.0);  // one second of the recording
    publish();
}

void ReplaySource::setSpeed(double speed) {
    m_speed = speed < 0 ? 1 : speed;
}

void ReplaySource::slice() {
    if (!m_engine || m_paused || m_state != State::Running)
        return;
    const double seconds = m_speed <= 0 ? kMaxSpeedSecondsPerSlice : m_speed * kSliceMs / 1000.0;
    advance(seconds);
    publish();
    if (m_engine->finished()) {
        m_timer.stop();
        LogEvent done;
        done.kind = LogEventKind::Info;
        done.timeSeconds = m_engine->runTime();
        done.wallTimeUnixMs = double(QDateTime::currentMSecsSinceEpoch());
        done.text = QString(u"Replay finished: %1 arrivals, trace hash %2"_s.arg(
                                QString::number(m_engine->arrivals().total),
                                QString::number(m_engine->traceHash(), 16)))
                        .toStdString();
        emit eventsReady(std::make_shared<std::vector<LogEvent>>(1, std::move(done)));
        setState(State::Stopped);
    }
}

void ReplaySource::advance(double seconds) {
    m_engine->advanceTo(m_engine->runTime() + seconds);
}

void ReplaySource::publish() {
    MetricsSnapshot s = m_engine->snapshot();
    s.source = m_path.toStdString();
    s.sequence = ++m_sequence;
    s.wallTimeUnixMs = double(QDateTime::currentMSecsSinceEpoch());
    s.speed = m_speed;
    s.paused = m_paused;
    m_latest = std::make_shared<const MetricsSnapshot>(std::move(s));
    emit snapshotReady(m_latest);
}

void ReplaySource::setState(State state) {
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void ReplaySource::injectFault(const FaultSpec& /*fault*/) {
    emit commandFailed(u"inject fault"_s, noFaults());
}

void ReplaySource::clearFaults() {
    emit commandFailed(u"clear faults"_s, noFaults());
}

void ReplaySource::setTrafficWeight(int /*greenPercent*/) {
    emit commandFailed(u"traffic weight"_s,
                       u"a replay: the recording is one server's traffic, replayed as blue"_s);
}

}  // namespace pulsco
