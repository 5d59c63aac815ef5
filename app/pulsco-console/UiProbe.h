// Measures how responsive the UI thread stays (hidden --bench-report): a 5 ms
// timer whose lateness is recorded, the process's CPU time and peak memory,
// and when the first dashboard frame with data was painted.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <vector>

class QTimer;

namespace pulsco {

class UiProbe : public QObject {
    Q_OBJECT
public:
    static constexpr int kIntervalMs = 5;

    explicit UiProbe(QObject* parent = nullptr);

    void start();
    void markFirstFrame();
    // Writes the JSON report; false (with *error) when it cannot be written.
    bool writeReport(const QString& path, QString* error) const;

    double stallPercentileMs(double q) const;

private:
    void onTick();

    QTimer* m_timer = nullptr;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    std::vector<double> m_latenessMs;
    double m_firstFrameEpochMs = 0;
    double m_startEpochMs = 0;
};

}  // namespace pulsco
