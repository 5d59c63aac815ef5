#include "drills/SurgeLoad.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

SurgeLoad::SurgeLoad(SurgeLoadConfig config, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config)) {
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_killTimer.setSingleShot(true);
    m_killTimer.setInterval(3000);
    connect(&m_killTimer, &QTimer::timeout, &m_process, &QProcess::kill);
    connect(&m_process, &QProcess::readyRead, this, [this] {
        m_lastOutput += m_process.readAll();
        if (m_lastOutput.size() > 4096)
            m_lastOutput = m_lastOutput.right(4096);
    });
    connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        m_killTimer.stop();
        if (m_stopping) {
            m_stopping = false;
            return;
        }
        const QByteArray tail = m_lastOutput.trimmed().split('\n').last();
        emit endedByItself((status == QProcess::CrashExit
                                ? u"pulsco-sim crashed"_s
                                : u"pulsco-sim exited with code %1"_s.arg(code)) +
                           (tail.isEmpty() ? QString() : u": "_s + QString::fromUtf8(tail)));
    });
}

SurgeLoad::~SurgeLoad() {
    if (running()) {
        m_stopping = true;
        m_process.kill();
        m_process.waitForFinished(3000);
    }
}

int SurgeLoad::extraPlayersFor(double multiplier) const {
    if (!(multiplier > 1))
        return 0;
    const double wanted = std::round(m_config.usualPlayers * (multiplier - 1));
    return int(std::min<double>(wanted, m_config.maxExtraPlayers));
}

QString SurgeLoad::start(double multiplier) {
    if (m_config.simProgram.isEmpty() || m_config.targets.isEmpty())
        return u"no load generator: the console needs --surge-target URL (the staging "
               "balancer) to play a player surge on live servers"_s;
    const int extra = extraPlayersFor(multiplier);
    if (extra < 1)
        return u"multiplier %1 adds no players (a surge needs more than 1)"_s.arg(multiplier);
    stop();
    if (running())
        m_process.waitForFinished(3000);
    const int wanted = int(std::round(m_config.usualPlayers * (multiplier - 1)));
    QStringList args{u"--scenario"_s,        m_config.scenario, u"--players"_s,
                     QString::number(extra), u"--target"_s,     m_config.targets.join(u',')};
    if (m_config.balancer)
        args << u"--balancer"_s;
    m_lastOutput.clear();
    m_stopping = false;
    m_process.start(m_config.simProgram, args);
    if (!m_process.waitForStarted(5000))
        return u"%1 did not start: %2"_s.arg(m_config.simProgram, m_process.errorString());
    m_extra = extra;
    m_description =
        u"%1 extra players from pulsco-sim --scenario %2 against %3"_s.arg(extra).arg(
            m_config.scenario, m_config.targets.join(u", "_s)) +
        (wanted > extra ? u"; %1 wanted, bounded to %2 on this machine"_s.arg(wanted).arg(extra)
                        : QString());
    return {};
}

void SurgeLoad::stop() {
    if (!running())
        return;
    m_stopping = true;
    m_process.terminate();
    m_killTimer.start();
}

}  // namespace pulsco
