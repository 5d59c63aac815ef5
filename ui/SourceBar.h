// Which source the console shows and how it stands: name, state (running,
// paused, stale...) in words and colour, source clock, speed, active faults.
#pragma once

#include "bridge/Source.h"

#include <QFrame>

class QLabel;

namespace pulsco {

class StatusChip;

class SourceBar : public QFrame {
    Q_OBJECT
public:
    explicit SourceBar(QWidget* parent = nullptr);

    void setSourceName(const QString& name);
    // `stale`: no snapshot for longer than the window's stale limit.
    void setState(Source::State state, bool paused, bool stale);
    void showSnapshot(const MetricsSnapshot& snapshot);
    void clearSnapshot();

    QString stateText() const;
    QString clockText() const;
    QString speedText() const;
    QString faultsText() const;

    static QString stateWord(Source::State state, bool paused, bool stale);

private:
    StatusChip* m_chip = nullptr;
    QLabel* m_name = nullptr;
    QLabel* m_clock = nullptr;
    QLabel* m_speed = nullptr;
    QLabel* m_faults = nullptr;
    QLabel* m_conservation = nullptr;
    QString m_stateWord;
};

}  // namespace pulsco
