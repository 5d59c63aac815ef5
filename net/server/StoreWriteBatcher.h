// Hands writes to the group-commit store and calls back whoever made them
// once the store committed (or refused) them. Requests arrive in batches from
// the I/O threads: their writes go to the store in one call (one lock, one
// wake-up) when this event-loop pass is done, each request its own group, so
// a refused write fails its request alone.
#pragma once

#include "net/store/GroupCommitStore.h"

#include <QObject>

#include <deque>
#include <functional>
#include <vector>

namespace pulsco {

class StoreWriteBatcher : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(bool ok, const QString& error)>;

    explicit StoreWriteBatcher(GroupCommitStore* store, QObject* parent = nullptr);

    // Submits writes with the next flush; `onDone(ok, error)` runs once they
    // are committed (or refused).
    void submitThen(std::vector<StoreWrite> writes, Done onDone);
    // Hands the writes gathered by submitThen to the store now, in one submit.
    void flush();

    // The last batch the store reported was committed.
    bool storeHealthy() const { return m_storeHealthy; }
    // Writes waiting for the disk: in the store, or gathered here.
    quint64 backlog() const { return m_store->backlog() + m_unsubmittedWrites; }
    // No caller is waiting for the store.
    bool idle() const { return m_pending.empty() && m_unsubmittedDone.empty(); }

private:
    void onBatchCommitted(quint64 lastToken, bool ok, const QString& error);

    GroupCommitStore* m_store;
    bool m_storeHealthy = true;
    struct Pending {
        quint64 token;
        Done onDone;
    };
    std::deque<Pending> m_pending;
    std::vector<std::vector<StoreWrite>> m_unsubmitted;  // one group per request
    std::size_t m_unsubmittedWrites = 0;
    std::vector<Done> m_unsubmittedDone;
    bool m_flushPosted = false;
};

}  // namespace pulsco
