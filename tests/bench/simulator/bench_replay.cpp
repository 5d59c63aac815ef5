// replay.arrivals_per_s: recorded arrivals replayed through the core
// matchmaker (simulator/engine/ReplayEngine) per wall second at --speed max,
// with the engine's events per second beside it (issue 20; target >= 100 000).
// The recording is generated here: 200 000 arrivals over 4 000 s of server
// time, solo and party tickets in the shipped queues, pings spread over the
// shipped regions, one ticket in fifty cancelled a few seconds later.
#include "BenchReport.h"

#include "bridge/QueueConfigJson.h"
#include "simulator/engine/ReplayEngine.h"

#include <algorithm>
#include <cstdio>

using namespace pulsco;

int main() {
    QString error;
    const auto rules =
        loadQueueConfig(QStringLiteral(PULSCO_SOURCE_DIR "/resources/queues.json"), &error);
    if (!rules) {
        std::fprintf(stderr, "bench_replay: %s\n", qPrintable(error));
        return 1;
    }
    constexpr int kArrivals = 200000;
    std::vector<RecordedEvent> events;
    events.reserve(kArrivals + kArrivals / 50);
    const char* queues[] = {"duel-1v1", "casual-3v3", "ranked-5v5"};
    std::uint64_t state = 42;
    const auto next = [&state] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return state >> 33;
    };
    for (int i = 0; i < kArrivals; ++i) {
        RecordedTicket t;
        t.t = i * 0.02;
        t.ticket = "blue-t" + std::to_string(i + 1);
        const int q = int(next() % 3);
        t.request.queue = queues[q];
        const int size = q == 0 ? 1 : 1 + int(next() % 3);
        for (int m = 0; m < size; ++m) {
            PartyMember p;
            p.id = "p" + std::to_string(i) + "-" + std::to_string(m);
            p.rating = {15.0 + double(next() % 2000) / 100.0, 2.0 + double(next() % 400) / 100.0};
            const std::size_t home = next() % rules->regions.size();
            for (std::size_t r = 0; r < rules->regions.size(); ++r)
                p.pingMs.push_back(r == home ? int(15 + next() % 40) : int(80 + next() % 150));
            t.request.players.push_back(std::move(p));
        }
        events.push_back(std::move(t));
        if (i % 50 == 7)
            events.push_back(RecordedCancel{i * 0.02 + 3.0, "blue-t" + std::to_string(i + 1)});
    }
    std::sort(events.begin(), events.end(),
              [](const RecordedEvent& a, const RecordedEvent& b) { return timeOf(a) < timeOf(b); });
    const auto start = std::chrono::steady_clock::now();
    ReplayEngine engine(*rules, rules->regions, events);
    engine.advanceTo(engine.durationSeconds());
    const double seconds = bench::secondsSince(start);
    const MetricsSnapshot s = engine.snapshot();
    std::fprintf(stderr,
                 "bench_replay: %llu arrivals, %llu matches, %llu expired, %llu events in %.2f s "
                 "(%.0f s of server time)\n",
                 static_cast<unsigned long long>(engine.arrivals().total),
                 static_cast<unsigned long long>(s.total.matchesTotal),
                 static_cast<unsigned long long>(s.total.tickets.expired),
                 static_cast<unsigned long long>(engine.eventsProcessed()), seconds,
                 engine.runTime());
    bench::report("replay.arrivals_per_s", double(engine.arrivals().total) / seconds, "arrivals/s");
    bench::report("replay.events_per_s", double(engine.eventsProcessed()) / seconds, "events/s");
    return 0;
}
