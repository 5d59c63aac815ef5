// Rollout figures:
//   rollout.auto_rollback_s  simulated seconds from the start of a bad
//     release (bad-release-green: 6 % errors on green at 10 % from 300 s)
//     to traffic fully back on blue, with nobody touching anything. Target <= 30.
//   rollout.gate_eval_us     evaluating every gate of the shipped plan (and
//     its rollback triggers) against one snapshot. Target <= 200.
#include "support/EngineSource.h"

#include "BenchReport.h"
#include "rollout/GateTracker.h"
#include "rollout/RolloutPlanJson.h"
#include "rollout/RolloutSession.h"
#include "store/ConsoleStore.h"

#include <QCoreApplication>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <vector>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

double autoRollbackSeconds(QTemporaryDir& dir, int run) {
    QString error;
    auto store = ConsoleStore::open(dir.filePath(u"bench-%1.sqlite"_s.arg(run)), &error);
    if (!store)
        qFatal("%s", qPrintable(error));
    auto source = test::EngineSource::shipped(u"bad-release-green"_s);
    RolloutSession session(*store);
    session.setOperatorName(u"bench"_s);
    session.setSource(source.get());
    source->advance(5);
    if (!session.startRollout(&error))
        qFatal("%s", qPrintable(error));
    constexpr double kBadAt = 300;  // the scenario's faults start here
    double backOnBlue = -1;
    source->advance(3600, 1, [&] {
        const SnapshotPtr s = source->latestSnapshot();
        if (session.stepper()->state() == RolloutState::Degraded &&
            s->green.requestedWeightPercent.value_or(-1) == 0) {
            backOnBlue = s->timeSeconds;
            return true;
        }
        return false;
    });
    return backOnBlue < 0 ? -1 : backOnBlue - kBadAt;
}

double gateEvalMicroseconds() {
    const RolloutPlanLoad load = loadRolloutPlanFile(kShippedPlanPath);
    if (!load.plan)
        qFatal("%s", qPrintable(load.error));
    auto source = test::EngineSource::shipped(u"baseline-1000"_s);
    source->advance(600);
    const MetricsSnapshot snapshot = *source->latestSnapshot();
    GateTracker tracker(*load.plan);
    std::vector<double> samples;
    int sink = 0;
    for (int round = 0; round < 2000; ++round) {
        MetricsSnapshot s = snapshot;
        s.timeSeconds += round;  // hold times move on as they would
        const auto start = std::chrono::steady_clock::now();
        sink += int(tracker.evaluate(s).size());
        for (const PlanTrigger& t : load.plan->rollbackTriggers)
            sink += t.expression.evaluate(s).truthy() ? 1 : 0;
        samples.push_back(bench::secondsSince(start) * 1e6);
    }
    std::sort(samples.begin(), samples.end());
    if (sink < 0)
        std::printf("%d\n", sink);
    return samples[samples.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    const double rollback = autoRollbackSeconds(dir, 0);
    bench::report("rollout.auto_rollback_s", rollback, "s");
    bench::report("rollout.gate_eval_us", gateEvalMicroseconds(), "us");
    return 0;
}
