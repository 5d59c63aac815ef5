#include "rollout/MaintenanceEvidence.h"

#include <QDateTime>
#include <QJsonObject>
#include <QStringList>

#include <algorithm>

#include <utility>

using namespace Qt::StringLiterals;

namespace pulsco {

QJsonArray maintenanceRunsFor(const PlanGate& gate, const StoreMaintenanceReport& report) {
    static const std::pair<const char*, const char*> kKinds[] = {
        {"migration_round_trips", "migration_round_trip"},
        {"verified_backups", "verified_backup"},
        {"restore_drills", "restore_drill"}};
    const std::vector<std::string> metrics = gate.expression.metrics();
    QJsonArray runs;
    for (const MaintenanceRecord& r : report.latest) {
        bool counted = false;
        for (const auto& [metric, kind] : kKinds)
            counted = counted || (r.kind == kind && std::find(metrics.begin(), metrics.end(),
                                                              metric) != metrics.end());
        if (!counted)
            continue;
        QJsonObject run;
        run[u"kind"_s] = QString::fromStdString(r.kind);
        run[u"at"_s] =
            QDateTime::fromMSecsSinceEpoch(qint64(r.atUnixMs), Qt::UTC).toString(Qt::ISODate);
        run[u"command"_s] = QString::fromStdString(r.command);
        run[u"held"_s] = r.ok;
        run[u"figures"_s] = QString::fromStdString(r.figures);
        runs.append(run);
    }
    return runs;
}

QString maintenanceRunsText(const QJsonArray& runs) {
    QString text;
    for (const QJsonValue& value : runs) {
        const QJsonObject run = value.toObject();
        text += (run.value(u"held"_s).toBool() ? u"✓ held  "_s : u"✗ did not hold  "_s) +
                run.value(u"at"_s).toString() + u"\n  "_s + run.value(u"command"_s).toString() +
                u"\n  "_s + run.value(u"figures"_s).toString() + u'\n';
    }
    return text;
}

QString maintenanceHowTo(const PlanGate& gate) {
    const std::vector<std::string> metrics = gate.expression.metrics();
    const auto uses = [&](const char* metric) {
        return std::find(metrics.begin(), metrics.end(), metric) != metrics.end();
    };
    QStringList steps;
    if (uses("migration_round_trips"))
        steps << u"A migration round trip on this environment's store, the server stopped: "
                 "pulsco-matchd migrate --data-dir DIR --to N --allow-data-loss, then "
                 "pulsco-matchd migrate --data-dir DIR --to <the version it was at>."_s;
    if (uses("verified_backups"))
        steps
            << u"A backup of this environment's store, verified against it: pulsco-matchd "
               "backup --data-dir DIR --to FILE, then pulsco-matchd verify FILE --data-dir DIR."_s;
    if (uses("restore_drills"))
        steps << u"A restore drill: pulsco-matchd restore FILE --data-dir NEW_DIR, a server "
                 "started on NEW_DIR, the console connected to it."_s;
    if (steps.isEmpty())
        return {};
    return steps.join(u'\n') +
           u"\n(PostgreSQL: --store URL for --data-dir. docs/matchd.md, \"Evidence: the "
           "maintenance log\".)"_s;
}

}  // namespace pulsco
