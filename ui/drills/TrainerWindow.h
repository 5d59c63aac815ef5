// The trainer's own window while a drill runs. The console the trainee uses
// shows symptoms only (alerts, charts, logs; the source bar says faults are
// hidden, the Drills page keeps to the Trainee tab); this window keeps what
// the trainee must find out: the faults in force, the script with the hidden
// cause, and the whole timeline with the script's own steps. A top-level
// window so the trainer can put it on a screen of their own.
#pragma once

#include "bridge/Source.h"
#include "drills/DrillRecord.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QListWidget;
class QTextBrowser;

namespace pulsco {

class DrillRunner;
class DrillSession;

class TrainerWindow : public QWidget {
    Q_OBJECT
public:
    explicit TrainerWindow(DrillRunner& runner, QWidget* parent = nullptr);

    // The source whose faults this window shows (the drill's).
    void setSource(Source* source);

    QString faultsText() const;
    QListWidget* timeline() const { return m_timeline; }
    QTextBrowser* scriptView() const { return m_script; }

private:
    void onStarted(DrillSession* session);
    void onEvent(const DrillEvent& event);
    void onSnapshot(const SnapshotPtr& snapshot);

    DrillRunner& m_runner;
    QPointer<Source> m_source;
    QMetaObject::Connection m_snapshots;
    QLabel* m_faults = nullptr;
    QListWidget* m_timeline = nullptr;
    QTextBrowser* m_script = nullptr;
};

}  // namespace pulsco
