// No controller configured: the operator moves the traffic with whatever
// the site uses and confirms each switch by name. The confirmation is the
// only read-back there is, and the audit trail says so; the measured share
// (traffic_weight) still shows whether the traffic really moved.
#pragma once

#include "bridge/TrafficController.h"

#include <optional>

namespace pulsco {

class ManualTrafficController : public TrafficController {
    Q_OBJECT
public:
    using TrafficController::TrafficController;

    QString kindName() const override { return QStringLiteral("manual"); }
    QString describe() const override;
    void requestWeight(int greenPercent) override { m_pending = greenPercent; }
    bool needsConfirmation() const override { return m_pending.has_value(); }
    bool confirm(const QString& actor, QString* error) override;
    std::optional<int> pending() const { return m_pending; }

private:
    std::optional<int> m_pending;
};

}  // namespace pulsco
