// pulsco-matchd as the system under test of the fault and load suites: the
// built binary as a real process on loopback, on a data directory the test
// chooses (a tmpfs for disk faults, the same directory across kill -9 and
// restart), with queue rules written by the test. Its stderr is kept so a
// test can look for the log lines an operator would see. (tests/live's
// MatchdProcess owns its data dir and forwards stderr; these suites need
// neither.)
#pragma once

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <memory>

// Queue rules for the hardening suites. duel-1v1 matches any two players
// fast; hold-1v1 never matches two players whose ratings differ (a 0.001
// skill window) and waits an hour, so its tickets outlive restarts;
// short-1v1 is the same with a 2 s max wait, so its tickets expire;
// outage-1v1 matches players up to 5 apart after 3 s and expires the rest
// at 4 s (time enough to fill a disk in between).
inline const QByteArray kHardeningQueues = R"({"format": 1,
 "regions": ["eu-west", "us-east"],
 "queues": [
  {"name": "duel-1v1", "team_count": 2, "team_size": 1, "party_sizes": [1],
   "skill_window": [{"after_s": 0, "value": 100}],
   "ping_limit_ms": [{"after_s": 0, "value": 500}], "max_wait_s": 60},
  {"name": "hold-1v1", "team_count": 2, "team_size": 1, "party_sizes": [1],
   "skill_window": [{"after_s": 0, "value": 0.001}],
   "ping_limit_ms": [{"after_s": 0, "value": 500}], "max_wait_s": 3600},
  {"name": "short-1v1", "team_count": 2, "team_size": 1, "party_sizes": [1],
   "skill_window": [{"after_s": 0, "value": 0.001}],
   "ping_limit_ms": [{"after_s": 0, "value": 500}], "max_wait_s": 2},
  {"name": "outage-1v1", "team_count": 2, "team_size": 1, "party_sizes": [1],
   "skill_window": [{"after_s": 0, "value": 0.001}, {"after_s": 3, "value": 5}],
   "ping_limit_ms": [{"after_s": 0, "value": 500}], "max_wait_s": 4}
 ]})";

// A party of one. In hold-1v1 and short-1v1 give every player its own `mu`
// (e.g. 10 + n / 100.0) so that no two of them ever match.
inline QByteArray soloTicketBody(const QByteArray& queue, const QByteArray& player, double mu = 0) {
    QByteArray p = R"({"id":")" + player + R"(","pings":{"eu-west":20})";
    if (mu > 0)
        p += R"(,"rating":{"mu":)" + QByteArray::number(mu, 'f', 3) + R"(,"sigma":2})";
    return R"({"queue":")" + queue + R"(","players":[)" + p + "}]}";
}

class MatchdUnderTest {
public:
    // PULSCO_MATCHD overrides the binary: the benchmarks point it at the
    // release build while the load comes from these test executables.
    static QString binary() {
        const QString override = qEnvironmentVariable("PULSCO_MATCHD");
        return override.isEmpty() ? QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-matchd")
                                  : override;
    }

    // Writes the queue rules next to nothing else: `queuesFile` must be a
    // path outside the data dir (a full disk must not stop the restart).
    static bool writeQueues(const QString& queuesFile) {
        QFile f(queuesFile);
        return f.open(QIODevice::WriteOnly) && f.write(kHardeningQueues) == kHardeningQueues.size();
    }

    ~MatchdUnderTest() { kill9(); }

    // Starts on an ephemeral loopback port; true once it printed its port.
    bool start(const QString& dataDir, const QString& queuesFile, QStringList extra = {}) {
        kill9();
        m_err.clear();
        m_process = std::make_unique<QProcess>();
        m_process->setProgram(binary());
        m_process->setArguments(
            QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                        QStringLiteral("--data-dir"), dataDir, QStringLiteral("--queues"),
                        queuesFile, QStringLiteral("--tick-ms"), QStringLiteral("50")} +
            extra);
        QObject::connect(m_process.get(), &QProcess::readyReadStandardError, m_process.get(),
                         [this] { m_err += m_process->readAllStandardError(); });
        m_process->start();
        if (!m_process->waitForStarted(5000))
            return false;
        static const QRegularExpression listening(
            QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 20000) {
            m_process->waitForReadyRead(50);
            out += m_process->readAllStandardOutput();
            if (const auto m = listening.match(QString::fromUtf8(out)); m.hasMatch()) {
                m_port = quint16(m.captured(1).toUInt());
                return true;
            }
            if (m_process->state() == QProcess::NotRunning) {
                m_err += m_process->readAllStandardError();
                return false;
            }
        }
        return false;
    }

    // SIGKILL: no drain, no final commit, no goodbye to clients.
    void kill9() {
        if (m_process && m_process->state() != QProcess::NotRunning) {
            m_process->kill();
            m_process->waitForFinished(10000);
        }
    }
    // SIGTERM: graceful; the exit code, or -1 when it did not stop in time.
    int terminate() {
        if (!m_process || m_process->state() == QProcess::NotRunning)
            return -1;
        m_process->terminate();
        if (!m_process->waitForFinished(20000))
            return -1;
        return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
    }

    bool running() const { return m_process && m_process->state() == QProcess::Running; }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    quint16 port() const { return m_port; }
    // Everything it wrote to stderr so far (the event loop must have run).
    QByteArray stderrText() {
        if (m_process)
            m_err += m_process->readAllStandardError();
        return m_err;
    }

private:
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QByteArray m_err;
};
