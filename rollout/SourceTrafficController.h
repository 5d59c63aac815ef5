// The traffic controller of a Source that moves traffic itself (the
// simulator: its players follow the weight). The weight is read back from
// the source's own snapshots (`requested_weight`, the engine's setting),
// so a step counts as applied only once the engine runs with it.
#pragma once

#include "bridge/Source.h"
#include "bridge/TrafficController.h"

#include <QPointer>

#include <optional>

namespace pulsco {

class SourceTrafficController : public TrafficController {
    Q_OBJECT
public:
    explicit SourceTrafficController(QObject* parent = nullptr);

    void setSource(Source* source);
    Source* source() const { return m_source; }

    QString kindName() const override { return QStringLiteral("simulator"); }
    QString describe() const override;
    void requestWeight(int greenPercent) override;
    void rollback() override;

private:
    void onSnapshot(const SnapshotPtr& snapshot);

    QPointer<Source> m_source;
    std::optional<int> m_pending;
};

}  // namespace pulsco
