// Which source the console shows and how it stands: name, state (running,
// paused, stale...) in words and colour, source clock, speed, active faults.
#pragma once

#include "bridge/Source.h"

#include <QFrame>
#include <QStringList>

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
    // While a drill runs the trainee must find the cause: the bar says
    // faults are hidden (where to see them) instead of naming them.
    void setFaultsHidden(bool hidden, const QString& where = {});

    static QString stateWord(Source::State state, bool paused, bool stale);

private:
    StatusChip* m_chip = nullptr;
    QLabel* m_name = nullptr;
    QLabel* m_clock = nullptr;
    QLabel* m_speed = nullptr;
    QLabel* m_faults = nullptr;
    QLabel* m_conservation = nullptr;
    QString m_stateWord;
    QStringList m_lastFaults;  // of the latest snapshot
    bool m_faultsHidden = false;
    QString m_hiddenWhere;
    void showFaults();
};

}  // namespace pulsco
