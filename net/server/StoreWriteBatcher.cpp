#include "net/server/StoreWriteBatcher.h"

namespace pulsco {

StoreWriteBatcher::StoreWriteBatcher(GroupCommitStore* store, QObject* parent)
    : QObject(parent)
    , m_store(store) {
    connect(store, &GroupCommitStore::batchCommitted, this, &StoreWriteBatcher::onBatchCommitted);
}

void StoreWriteBatcher::submitThen(std::vector<StoreWrite> writes, Done onDone) {
    m_unsubmittedWrites += writes.size();
    m_unsubmitted.push_back(std::move(writes));
    m_unsubmittedDone.push_back(std::move(onDone));
    if (!m_flushPosted) {
        m_flushPosted = true;
        QMetaObject::invokeMethod(this, &StoreWriteBatcher::flush, Qt::QueuedConnection);
    }
}

void StoreWriteBatcher::flush() {
    m_flushPosted = false;
    if (m_unsubmittedDone.empty() && m_unsubmitted.empty())
        return;
    const std::vector<quint64> tokens = m_store->submitGroups(std::move(m_unsubmitted));
    m_unsubmitted.clear();
    m_unsubmittedWrites = 0;
    for (std::size_t i = 0; i < m_unsubmittedDone.size() && i < tokens.size(); ++i)
        m_pending.push_back({tokens[i], std::move(m_unsubmittedDone[i])});
    m_unsubmittedDone.clear();
}

void StoreWriteBatcher::onBatchCommitted(quint64 lastToken, bool ok, const QString& error) {
    m_storeHealthy = ok;
    while (!m_pending.empty() && m_pending.front().token <= lastToken) {
        Pending p = std::move(m_pending.front());
        m_pending.pop_front();
        if (p.onDone)
            p.onDone(ok, error);
    }
}

}  // namespace pulsco
