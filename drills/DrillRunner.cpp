#include "drills/DrillRunner.h"

#include "drills/DrillJournal.h"
#include "drills/DrillSessionStore.h"

namespace pulsco {

DrillRunner::DrillRunner(AlertEngine* alerts, DrillSessionStore* store, QObject* parent)
    : QObject(parent)
    , m_alerts(alerts)
    , m_store(store) {}

DrillRunner::~DrillRunner() = default;

bool DrillRunner::isRunning() const {
    return m_session && m_session->phase() != DrillSession::Phase::Finished;
}

bool DrillRunner::start(const DrillScript& drill, const QString& trainee, const QString& trainer,
                        QString* error) {
    const auto fail = [error](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    // Checked before the opener: it would switch the source under a drill.
    if (isRunning())
        return fail(tr("A drill is running: finish it or use the emergency stop first."));
    Source* source = m_source;
    if (m_opener) {
        QString why;
        source = m_opener(drill, &why);
        if (!source)
            return fail(why);
        m_source = source;
    }
    if (!source)
        return fail(tr("No source to run the drill on."));
    if (!source->capabilities().faults)
        return fail(tr("This source cannot inject faults: %1")
                        .arg(source->capabilities().faultsDisabledReason));
    // Drills break things on purpose: live, only on servers that say they
    // are staging (pulsco-matchd --environment staging), never production.
    if (source->kind() == Source::Kind::Live) {
        const SnapshotPtr latest = source->latestSnapshot();
        if (!latest)
            return fail(tr("%1 has not reported its environment yet: drills run on staging "
                           "servers only; try again once its first figures are in.")
                            .arg(source->displayName()));
        if (latest->environment != DeploymentEnvironment::Staging)
            return fail(tr("%1 reports environment \"%2\": drills run on staging servers only "
                           "(pulsco-matchd --environment staging), never on production.")
                            .arg(source->displayName(),
                                 QString::fromLatin1(toString(latest->environment))));
    }
    delete m_session;
    m_session = new DrillSession(drill, source, m_alerts, this);
    m_session->setTrafficController(source->kind() == Source::Kind::Live ? m_traffic.data()
                                                                         : nullptr);
    m_session->setSurgeLoad(source->kind() == Source::Kind::Live ? m_surge.data() : nullptr);
    m_session->setTrainee(trainee);
    m_session->setTrainer(trainer);
    if (m_store)
        m_session->setJournal(m_store->openJournal());
    connect(m_session, &DrillSession::eventRecorded, this, &DrillRunner::eventRecorded);
    connect(m_session, &DrillSession::finished, this, &DrillRunner::onFinished);
    connect(m_session, &DrillSession::phaseChanged, this, &DrillRunner::phaseChanged);
    if (QString why; !m_session->start(&why)) {
        delete m_session;  // nothing ran: no session is left to look running
        m_session = nullptr;
        return fail(tr("The drill was not started: %1").arg(why));
    }
    if (source->capabilities().speedControl)
        m_session->setSpeed(m_speed);
    emit started(m_session);
    return true;
}

void DrillRunner::setSpeed(double speed) {
    m_speed = speed;
    if (isRunning())
        m_session->setSpeed(speed);
}

void DrillRunner::onFinished(const DrillRecord& record) {
    DrillRecord saved = record;
    if (m_store) {
        QString error;
        if (const auto id = m_store->save(record, &error))
            saved.id = *id;
        else
            emit saveFailed(error);
    }
    emit finished(saved);
}

}  // namespace pulsco
