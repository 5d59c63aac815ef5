// bench_drills:
//   drills.alert_eval_us    time to evaluate the default alert rules against
//                           one snapshot (baseline-1000 after warmup). Target <= 200.
//   drills.detect_latency_s simulated seconds from a drill's first fault to
//                           the first of its expected alerts firing, with every
//                           rule's `for` set to 0, averaged over the shipped
//                           drills: the floor a trainee's MTTD can reach.
#include "BenchReport.h"
#include "DrillFixture.h"

#include <QCoreApplication>

#include <chrono>
#include <cstdio>

using namespace pulsco;
using namespace pulsco::test;

namespace {

double alertEvalMicros() {
    EngineSource source(scenarioOf(shippedDrill(QStringLiteral("latency-spike-green-50"))));
    source.start();
    source.setTrafficWeight(50);
    source.advanceBy(300, 5.0);
    const MetricsSnapshot snapshot = *source.latestSnapshot();
    AlertEngine engine(defaultRules());
    MetricsSnapshot s = snapshot;
    for (int i = 0; i < 200; ++i) {  // warm caches
        s.timeSeconds += 1;
        engine.evaluate(s);
    }
    constexpr int kRuns = 20000;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kRuns; ++i) {
        s.timeSeconds += 1;
        engine.evaluate(s);
    }
    return bench::secondsSince(start) * 1e6 / kRuns;
}

double detectLatencySeconds() {
    std::vector<AlertRule> rules = defaultRules();
    for (AlertRule& r : rules)
        r.forSeconds = 0;
    double sum = 0;
    int drills = 0;
    for (const QString& path : shippedDrillPaths()) {
        const DrillScript drill = shippedDrill(path.section(QLatin1Char('/'), -1).chopped(5));
        EngineSource source(scenarioOf(drill));
        AlertEngine alerts(rules);
        DrillSession session(drill, &source, &alerts);
        std::optional<double> firedAt;
        QObject::connect(&source, &Source::snapshotReady, [&](const SnapshotPtr& s) {
            alerts.evaluate(*s);
            if (firedAt || !session.facts().faultStart)
                return;
            for (const QString& name : drill.expectedAlerts)
                if (alerts.state(name) == AlertState::Firing) {
                    firedAt = session.drillTime();
                    break;
                }
        });
        session.start();
        source.start();
        source.advanceBy(drill.timeLimitSeconds, 1.0, [&] { return firedAt.has_value(); });
        if (!firedAt) {
            std::fprintf(stderr, "bench_drills: %s: expected alert never fired\n",
                         qPrintable(drill.name));
            continue;
        }
        const double latency = *firedAt - *session.facts().faultStart;
        std::fprintf(stderr, "bench_drills: %s: detected %.0f s after the fault\n",
                     qPrintable(drill.name), latency);
        sum += latency;
        ++drills;
    }
    return drills > 0 ? sum / drills : 0;
}

}  // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    bench::report("drills.alert_eval_us", alertEvalMicros(), "us");
    bench::report("drills.detect_latency_s", detectLatencySeconds(), "s");
    return 0;
}
