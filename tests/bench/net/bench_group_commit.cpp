// How fast the group-commit store makes tickets durable: rows per second in
// large batches, and commits per second when every batch holds one row (the
// price of one fsync on this disk). Prints BENCH lines; never fails.
#include "BenchReport.h"

#include "net/store/GroupCommitStore.h"

#include <QCoreApplication>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {
TicketRow ticket(qint64 seq) {
    TicketRow r;
    r.seq = seq;
    r.queue = u"ranked-5v5"_s;
    r.players = R"([{"id":"player-)" + QByteArray::number(seq) +
                R"(","rating":{"mu":25,"sigma":8.3},"pings":{"eu-west":32}}])";
    r.state = u"searching"_s;
    r.createdMs = 1700000000000 + seq;
    r.updatedMs = r.createdMs;
    return r;
}
}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    GroupCommitStore store;
    QString error;
    if (!store.open({dir.filePath(u"bench.sqlite"_s)}, nullptr, &error)) {
        std::fprintf(stderr, "bench_group_commit: %s\n", qPrintable(error));
        return 0;
    }
    qint64 seq = 0;
    {
        const int rows = 200000;
        const auto start = std::chrono::steady_clock::now();
        for (int chunk = 0; chunk < rows / 1000; ++chunk) {
            std::vector<StoreWrite> writes;
            for (int i = 0; i < 1000; ++i)
                writes.push_back(InsertTicket{ticket(++seq)});
            store.submit(std::move(writes));
        }
        store.waitForIdle();
        const double s = bench::secondsSince(start);
        bench::report("store.batched_ticket_rows_per_s", rows / s, "rows/s");
    }
    {
        const int commits = 200;
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < commits; ++i) {
            store.submit(InsertTicket{ticket(++seq)});
            store.waitForIdle();  // one row per transaction: one fsync each
        }
        const double s = bench::secondsSince(start);
        bench::report("store.single_row_commits_per_s", commits / s, "commits/s");
        bench::report("store.commit_latency_ms", s * 1000 / commits, "ms");
    }
    return 0;
}
