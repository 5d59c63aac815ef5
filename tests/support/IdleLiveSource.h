// A live Source that is connected and reports nothing: for the tests that
// check how the console's controls look and explain themselves on live
// servers, without a server. Its capabilities are the test's to set.
#pragma once

#include "bridge/Source.h"

namespace pulsco::test {

class IdleLiveSource final : public Source {
public:
    IdleLiveSource(QString displayName, Capabilities capabilities)
        : m_name(std::move(displayName))
        , m_capabilities(std::move(capabilities)) {}

    Kind kind() const override { return Kind::Live; }
    QString displayName() const override { return m_name; }
    State state() const override { return State::Running; }
    Capabilities capabilities() const override { return m_capabilities; }
    SnapshotPtr latestSnapshot() const override { return m_latest; }
    // What the servers last reported (none until set).
    void setLatestSnapshot(SnapshotPtr snapshot) { m_latest = std::move(snapshot); }
    void start() override {}
    void stop() override {}
    void injectFault(const FaultSpec&) override {}
    void clearFaults() override {}
    void setTrafficWeight(int) override {}

private:
    QString m_name;
    Capabilities m_capabilities;
    SnapshotPtr m_latest;
};

}  // namespace pulsco::test
