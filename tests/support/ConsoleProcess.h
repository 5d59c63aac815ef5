// The real pulsco-console as a child process of a test: offscreen, with the
// user's settings and console store out of reach (under a temporary home),
// its stderr kept line by line (and echoed to the test's stderr) so a test
// can wait for what the console says while servers in the test's own
// process keep serving (the waits turn the event loop).
#pragma once

#include <QDeadlineTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <utility>

namespace pulsco::test {

class ConsoleProcess {
public:
    static QString binary() { return QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-console"); }

    ConsoleProcess() {
        using namespace Qt::StringLiterals;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        env.insert(u"XDG_CONFIG_HOME"_s, m_home.filePath(u"config"_s));
        env.insert(u"XDG_DATA_HOME"_s, m_home.filePath(u"data"_s));
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::ForwardedOutputChannel);
        QObject::connect(&m_process, &QProcess::readyReadStandardError, [this] { readErr(); });
    }
    ~ConsoleProcess() {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    // A path under the console's temporary home (screenshots, reports).
    QString homePath(const QString& name) const { return m_home.filePath(name); }

    bool start(const QStringList& arguments) {
        m_process.start(binary(), arguments);
        return m_process.waitForStarted(10000);
    }

    // Waits for a stderr line matching `pattern` among the lines from index
    // `from` on (lines seen before the call count); the line's index, or -1
    // when none came in time or the console ended first.
    qsizetype waitForLine(const QRegularExpression& pattern, int timeoutMs, qsizetype from = 0) {
        QDeadlineTimer deadline(timeoutMs);
        for (;;) {
            readErr();
            for (qsizetype i = from; i < m_lines.size(); ++i)
                if (pattern.match(m_lines[i]).hasMatch())
                    return i;
            if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
                return -1;
            QTest::qWait(20);
        }
    }

    // Waits for the console to end; its exit code, -2 when it crashed, -3
    // when it still ran after `timeoutMs` (then it is killed).
    int waitForExit(int timeoutMs) {
        QDeadlineTimer deadline(timeoutMs);
        while (m_process.state() != QProcess::NotRunning && !deadline.hasExpired())
            QTest::qWait(50);
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
            return -3;
        }
        readErr();
        if (!m_partial.isEmpty())  // a last line without a newline
            m_lines << QString::fromUtf8(std::exchange(m_partial, {}));
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -2;
    }

    // Every complete stderr line so far.
    const QStringList& stderrLines() {
        readErr();
        return m_lines;
    }
    QString stderrText() { return stderrLines().join(u'\n'); }

private:
    void readErr() {
        m_partial += m_process.readAllStandardError();
        qsizetype end;
        while ((end = m_partial.indexOf('\n')) >= 0) {
            const QByteArray line = m_partial.left(end);
            m_partial.remove(0, end + 1);
            std::fprintf(stderr, "%s\n", line.constData());
            m_lines << QString::fromUtf8(line);
        }
    }

    QTemporaryDir m_home;
    QProcess m_process;
    QByteArray m_partial;
    QStringList m_lines;
};

}  // namespace pulsco::test
