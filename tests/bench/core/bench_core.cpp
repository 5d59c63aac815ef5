// Core matchmaker benchmarks (one thread):
//   core.tick_100k_ms        one tick over 100 000 queued solo ranked-5v5 tickets
//   core.tick_vs_sort_ratio  that tick / std::sort of the same 100 000 ratings
//   core.enqueue_match_per_s steady-state duel-1v1 tickets enqueued and matched
// Each figure is the median of several runs; requests are built outside the
// timed sections (building them is the caller's cost, not the matchmaker's).
#include "BenchReport.h"

#include "core/Matchmaker.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

using namespace pulsco;
using Clock = std::chrono::steady_clock;

namespace {

QueueConfig benchConfig() {
    QueueConfig config;
    config.regions = {"eu-west", "us-east", "ap-south", "sa-east"};
    QueueRules ranked;
    ranked.name = "ranked-5v5";
    ranked.teamCount = 2;
    ranked.teamSize = 5;
    ranked.partySizes = {1, 2, 3, 5};
    ranked.skillWindow = WaitWindowSchedule({{0, 2}, {10, 4}, {30, 8}});
    ranked.pingLimitMs = WaitWindowSchedule({{0, 60}, {10, 100}, {30, 150}});
    ranked.maxWaitSeconds = 300;
    QueueRules duel = ranked;
    duel.name = "duel-1v1";
    duel.teamSize = 1;
    duel.partySizes = {1};
    config.queues = {ranked, duel};
    return config;
}

TicketRequest soloRequest(const std::string& queue, const std::string& id, std::mt19937_64& rng) {
    std::normal_distribution<double> mu(25.0, 6.0);
    std::uniform_int_distribution<int> ping(15, 140);
    PartyMember member;
    member.id = id;
    member.rating = Rating{mu(rng), 25.0 / 3.0};
    member.pingMs = {ping(rng), ping(rng), ping(rng), ping(rng)};
    return TicketRequest{queue, {std::move(member)}};
}

// Built with snprintf: GCC 12 at -O3 warns falsely (-Wrestrict) on
// playerId('p', i).
std::string playerId(char prefix, long long n) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%c%lld", prefix, n);
    return buffer;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

void benchTick(int runs) {
    constexpr int kTickets = 100000;
    std::vector<double> tickMs, sortMs;
    std::size_t matches = 0;
    for (int run = 0; run < runs; ++run) {
        std::mt19937_64 rng(1000 + run);
        Matchmaker matchmaker(benchConfig());
        std::vector<double> ratings;
        ratings.reserve(kTickets);
        for (int i = 0; i < kTickets; ++i) {
            TicketRequest request = soloRequest("ranked-5v5", playerId('p', i), rng);
            ratings.push_back(request.players[0].rating.mu);
            matchmaker.enqueue(std::move(request), 0.0);
        }
        matchmaker.takeOutput();

        auto start = Clock::now();
        matchmaker.tick(1.0);
        tickMs.push_back(1000.0 * bench::secondsSince(start));
        matches = matchmaker.takeOutput().matches.size();

        start = Clock::now();
        std::sort(ratings.begin(), ratings.end());
        sortMs.push_back(1000.0 * bench::secondsSince(start));
    }
    const double tick = median(tickMs);
    const double sort = median(sortMs);
    std::printf("# tick over %d tickets formed %zu matches\n", kTickets, matches);
    bench::report("core.tick_100k_ms", tick, "ms");
    bench::report("core.sort_100k_ms", sort, "ms");
    bench::report("core.tick_vs_sort_ratio", tick / sort, "x");
}

void benchEnqueueMatch(int runs) {
    constexpr int kBatch = 20000;
    constexpr int kRounds = 60;
    constexpr int kWarmup = 5;
    std::vector<double> rates;
    for (int run = 0; run < runs; ++run) {
        std::mt19937_64 rng(7 + run);
        Matchmaker matchmaker(benchConfig());
        MatchmakerOutput out;
        double timed = 0;
        std::size_t matched = 0;
        long long nextPlayer = 0;
        std::vector<TicketRequest> batch;
        for (int round = 0; round < kRounds; ++round) {
            batch.clear();
            for (int i = 0; i < kBatch; ++i)
                batch.push_back(soloRequest("duel-1v1", playerId('d', nextPlayer++), rng));
            const double now = round * 0.5;
            const auto start = Clock::now();
            for (TicketRequest& request : batch)
                matchmaker.enqueue(std::move(request), now);
            matchmaker.tick(now);
            matchmaker.takeOutput(out);
            const double seconds = bench::secondsSince(start);
            if (round >= kWarmup) {
                timed += seconds;
                for (const MatchFormed& m : out.matches)
                    matched += m.tickets.size();
            }
        }
        rates.push_back(double(matched) / timed);
    }
    bench::report("core.enqueue_match_per_s", median(rates), "tickets/s");
}

}  // namespace

// Optional arguments: "tick" or "steady" runs one part, then a number of
// runs (for profiling).
int main(int argc, char** argv) {
    const std::string only = argc > 1 ? argv[1] : "";
    const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 0;
    if (only.empty() || only == "tick")
        benchTick(runs ? runs : 7);
    if (only.empty() || only == "steady")
        benchEnqueueMatch(runs ? runs : 3);
    return 0;
}
