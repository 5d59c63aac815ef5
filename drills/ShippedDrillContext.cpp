#include "drills/ShippedDrillContext.h"

#include "bridge/QueueConfigJson.h"

#include <QDir>

using namespace Qt::StringLiterals;

namespace pulsco {

DrillContext shippedDrillContext(const std::vector<AlertRule>& rules) {
    DrillContext c;
    for (const AlertRule& r : rules)
        c.alerts.append(r.name);
    for (const QString& f :
         QDir(u":/pulsco/scenarios"_s).entryList({u"*.json"_s}, QDir::Files, QDir::Name))
        c.scenarios.append(f.chopped(5));
    QString error;
    if (const auto queues = loadQueueConfig(u":/pulsco/queues.json"_s, &error))
        for (const std::string& region : queues->regions)
            c.regions.append(QString::fromStdString(region));
    return c;
}

}  // namespace pulsco
