#include "rollout/ManualTrafficController.h"

using namespace Qt::StringLiterals;

namespace pulsco {

QString ManualTrafficController::describe() const {
    return u"manual: the operator switches the traffic and confirms each step"_s;
}

bool ManualTrafficController::confirm(const QString& actor, QString* error) {
    if (!m_pending) {
        if (error)
            *error = u"no traffic switch is waiting for confirmation"_s;
        return false;
    }
    if (actor.trimmed().isEmpty()) {
        if (error)
            *error = u"operator: a confirmation needs a name"_s;
        return false;
    }
    const int weight = *m_pending;
    m_pending.reset();
    reportApplied(weight, u"confirmed by %1 (no read-back: manual switch)"_s.arg(actor.trimmed()));
    return true;
}

}  // namespace pulsco
