#include "bridge/Source.h"

namespace {
// Snapshot and event batches cross threads through queued signals.
const int kRegistered = [] {
    qRegisterMetaType<pulsco::SnapshotPtr>();
    qRegisterMetaType<pulsco::LogEventBatch>();
    qRegisterMetaType<pulsco::Source::State>();
    return 0;
}();
}  // namespace

namespace pulsco {

using namespace Qt::StringLiterals;

void Source::restartMatcher(std::optional<Color> /*color*/) {
    emit commandFailed(u"restart matcher"_s, u"%1 cannot restart a matcher"_s.arg(displayName()));
}

void Source::failoverStore(std::optional<Color> /*color*/) {
    emit commandFailed(u"fail over the store"_s,
                       u"%1 has no store standby to fail over to"_s.arg(displayName()));
}

void Source::shedRegion(const QString& region, bool /*shed*/) {
    emit commandFailed(u"shed region"_s,
                       u"%1 cannot shed a region (%2)"_s.arg(displayName(), region));
}

void Source::scaleOut() {
    emit commandFailed(u"scale out"_s, u"%1 cannot add capacity"_s.arg(displayName()));
}

}  // namespace pulsco
