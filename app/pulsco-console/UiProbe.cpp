#include "app/pulsco-console/UiProbe.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimer>

#include <algorithm>
#include <cmath>

#include <sys/resource.h>

namespace pulsco {

using namespace Qt::StringLiterals;

UiProbe::UiProbe(QObject* parent)
    : QObject(parent) {
    m_timer = new QTimer(this);
    m_timer->setTimerType(Qt::PreciseTimer);
    m_timer->setInterval(kIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &UiProbe::onTick);
    m_latenessMs.reserve(64 * 1024);
}

void UiProbe::start() {
    m_startEpochMs = static_cast<double>(QDateTime::currentMSecsSinceEpoch());
    m_clock.start();
    m_lastNs = m_clock.nsecsElapsed();
    m_timer->start();
}

void UiProbe::markFirstFrame() {
    if (m_firstFrameEpochMs == 0)
        m_firstFrameEpochMs = static_cast<double>(QDateTime::currentMSecsSinceEpoch());
}

void UiProbe::onTick() {
    const qint64 now = m_clock.nsecsElapsed();
    const double intervalMs = static_cast<double>(now - m_lastNs) / 1e6;
    m_lastNs = now;
    m_latenessMs.push_back(std::max(0.0, intervalMs - kIntervalMs));
}

double UiProbe::stallPercentileMs(double q) const {
    if (m_latenessMs.empty())
        return 0;
    std::vector<double> sorted = m_latenessMs;
    const auto rank =
        static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size()))) - 1;
    const auto nth =
        sorted.begin() + static_cast<std::ptrdiff_t>(std::min(rank, sorted.size() - 1));
    std::nth_element(sorted.begin(), nth, sorted.end());
    return *nth;
}

bool UiProbe::writeReport(const QString& path, QString* error) const {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double cpuSeconds =
        static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
        static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    const double wallSeconds = static_cast<double>(m_clock.nsecsElapsed()) / 1e9;
    QJsonObject report{
        {u"ui_stall_p99_ms"_s, stallPercentileMs(0.99)},
        {u"ui_stall_p50_ms"_s, stallPercentileMs(0.50)},
        {u"ui_stall_max_ms"_s, stallPercentileMs(1.0)},
        {u"ui_ticks"_s, static_cast<double>(m_latenessMs.size())},
        {u"cpu_seconds"_s, cpuSeconds},
        {u"wall_seconds"_s, wallSeconds},
        {u"peak_rss_mb"_s, static_cast<double>(usage.ru_maxrss) / 1024.0},
        {u"probe_start_epoch_ms"_s, m_startEpochMs},
        {u"first_frame_epoch_ms"_s, m_firstFrameEpochMs},
    };
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(report).toJson()) < 0 ||
        !file.commit()) {
        if (error)
            *error = u"%1: cannot write the bench report: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

}  // namespace pulsco
