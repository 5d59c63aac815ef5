#include "rollout/GateSample.h"

#include "core/Color.h"
#include "core/MetricCatalog.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

enum class SampleKind { None, RecentRequests, AllRequests, Tickets, Histogram, RequestShare };

SampleKind kindOf(std::string_view name) {
    // A measured weight is a share of the new tickets both colours took: one
    // ticket to green reads as 100 %.
    if (name == "traffic_weight")
        return SampleKind::RequestShare;
    if (name == "api_latency_ms" || name == "errors" || name == "error_rate")
        return SampleKind::RecentRequests;
    // `uptime` needs none: it is time, not traffic, and a window the
    // history does not cover holds the gate back by itself (GateTracker).
    if (name == "api_latency_ms_all" || name == "errors_total")
        return SampleKind::AllRequests;
    // A conservation check over no tickets is true by construction; an idle
    // matcher's tick time says nothing about how it copes with tickets.
    if (name == "tickets_expired" || name == "tickets_cancelled" || name == "tickets_matched" ||
        name == "conservation" || name == "integrity" || name == "tick_ms")
        return SampleKind::Tickets;
    if (MetricCatalog::hasRate(name))
        return SampleKind::Tickets;  // matches_balanced: a share of formed matches
    const MetricInfo* info = MetricCatalog::find(name);
    if (info && info->shape == MetricShape::Histogram)
        return SampleKind::Histogram;
    return SampleKind::None;
}

}  // namespace

bool needsMinimumSample(const MetricExpression& expression) {
    for (const std::string& metric : expression.metrics())
        if (kindOf(splitScope(metric).name) != SampleKind::None)
            return true;
    return false;
}

std::optional<QString> defaultMinimumSample(const MetricExpression& expression) {
    QStringList terms;
    for (const std::string& metric : expression.metrics()) {
        const ScopedName scoped = splitScope(metric);
        const std::string_view scope = scopeName(scoped.color);
        const QString prefix =
            scope.empty() ? QString() : QString::fromLatin1(scope.data(), scope.size()) + u'.';
        const QString name = QString::fromLatin1(scoped.name.data(), scoped.name.size());
        QString term;
        switch (kindOf(scoped.name)) {
        case SampleKind::None:
            continue;
        case SampleKind::RecentRequests:
            term = prefix + u"requests >= 100"_s;
            break;
        case SampleKind::AllRequests:
            term = prefix + u"requests_total >= 1000"_s;
            break;
        case SampleKind::RequestShare:
            term = u"new_tickets >= 50"_s;  // both colours: the share's denominator
            break;
        case SampleKind::Tickets:
            term = prefix + u"tickets_created >= 100"_s;
            break;
        case SampleKind::Histogram:
            // tick_ms and the like have no colour scope; count() reads as the metric does.
            term = u"count(%1%2) >= 100"_s.arg(prefix, name);
            break;
        }
        if (!terms.contains(term))
            terms << term;
    }
    if (terms.isEmpty())
        return std::nullopt;
    return terms.join(u" and "_s);
}

}  // namespace pulsco
