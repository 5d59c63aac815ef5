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
