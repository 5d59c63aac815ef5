// A real pulsco-matchd process on loopback for the live tests: started from
// <build>/bin with a temporary data dir, its port read from the
// "listening on" line; can be killed and restarted on the same port.
#pragma once

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <csignal>
#include <memory>

class MatchdProcess {
public:
    explicit MatchdProcess(QString color = QStringLiteral("blue"), QByteArray adminToken = {})
        : m_color(std::move(color))
        , m_token(std::move(adminToken)) {}
    ~MatchdProcess() { kill(); }

    static QString binary() { return QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-matchd"); }

    // Port 0 = an ephemeral port the first time; restarts reuse the port.
    bool start(quint16 port = 0) {
        QStringList args{QStringLiteral("--listen"),
                         QStringLiteral("127.0.0.1:") + QString::number(port ? port : m_port),
                         QStringLiteral("--data-dir"),
                         m_dir.filePath(QStringLiteral("data")),
                         QStringLiteral("--color"),
                         m_color,
                         QStringLiteral("--tick-ms"),
                         QStringLiteral("50")};
        if (!m_token.isEmpty()) {
            QFile token(m_dir.filePath(QStringLiteral("token")));
            if (!token.open(QIODevice::WriteOnly) || token.write(m_token + '\n') < 0)
                return false;
            token.close();
            // The server refuses a token file others can read.
            token.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            args << QStringLiteral("--admin-token-file") << token.fileName();
        }
        args << m_extraArguments;
        m_process = std::make_unique<QProcess>();
        m_process->setProgram(binary());
        m_process->setArguments(args);
        m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process->start();
        if (!m_process->waitForStarted(5000))
            return false;
        static const QRegularExpression listening(
            QStringLiteral("listening on (https?)://127\\.0\\.0\\.1:(\\d+)"));
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 15000) {
            m_process->waitForReadyRead(100);
            out += m_process->readAllStandardOutput();
            const auto m = listening.match(QString::fromUtf8(out));
            if (m.hasMatch()) {
                m_scheme = m.captured(1);
                m_port = quint16(m.captured(2).toUInt());
                return true;
            }
            if (m_process->state() == QProcess::NotRunning)
                return false;
        }
        return false;
    }

    void kill() {
        if (m_process && m_process->state() != QProcess::NotRunning) {
            m_process->kill();  // SIGKILL: no goodbye to the clients
            m_process->waitForFinished(5000);
        }
    }

    quint16 port() const { return m_port; }
    QString url() const {
        return m_scheme + QStringLiteral("://127.0.0.1:") + QString::number(m_port);
    }
    // Added to the command line of the next start() (e.g. --tls-cert FILE).
    void setExtraArguments(const QStringList& arguments) { m_extraArguments = arguments; }

private:
    QTemporaryDir m_dir;
    QString m_color;
    QByteArray m_token;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QString m_scheme = QStringLiteral("http");
    QStringList m_extraArguments;
};
