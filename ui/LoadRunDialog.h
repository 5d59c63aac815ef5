// "Start load run" for engineers rehearsing against staging: runs
// pulsco-sim --target against the servers the console watches, as a child
// process (the console itself stays free of simulator/ and net/), with a
// progress bar over the run's duration, a Stop button and the run's summary
// and verdict (exit code 0 pass, 1 a threshold failed, 2 bad input).
#pragma once

#include <QDialog>
#include <QElapsedTimer>
#include <QProcess>
#include <QStringList>
#include <QTimer>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace pulsco {

class LoadRunDialog : public QDialog {
    Q_OBJECT
public:
    LoadRunDialog(QString simProgram, QStringList targetUrls, QStringList scenarios,
                  QWidget* parent = nullptr);
    ~LoadRunDialog() override;

    void setScenario(const QString& name);
    void setDurationSeconds(int seconds);
    void start();
    void stop();
    bool running() const { return m_process.state() != QProcess::NotRunning; }
    QString verdict() const;  // "" until finished
    QString output() const;

signals:
    void finished(int exitCode);

private:
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void tick();

    QString m_program;
    QStringList m_urls;
    QComboBox* m_scenario;
    QSpinBox* m_duration;
    QProgressBar* m_progress;
    QPushButton* m_start;
    QPushButton* m_stop;
    QLabel* m_verdict;
    QPlainTextEdit* m_output;
    QProcess m_process;
    QElapsedTimer m_clock;
    QTimer m_ticker;
    bool m_stopped = false;
};

}  // namespace pulsco
