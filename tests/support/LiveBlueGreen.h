// The console's rollout side on the staging stack, headless: a LiveSource
// on blue and green, the HAProxy traffic controller on the stack's runtime
// API and a RolloutSession over a throw-away console store; and pulsco-sim
// --target --balancer as the players. Shared by tst_live_bluegreen and
// bench_live_bluegreen (suites link pulsco_live, pulsco_balancer,
// pulsco_rollout and pulsco_store).
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "support/StagingStack.h"

#include "net/balancer/HaproxyTrafficController.h"
#include "net/live/LiveSource.h"
#include "rollout/RolloutPlanJson.h"
#include "rollout/RolloutSession.h"
#include "store/ConsoleStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

namespace pulsco::test {

inline constexpr int kPlayers = 300;

// `morePopulation`: further population fields, e.g. `, "patience_s": 15`.
inline QByteArray scenario(double seconds, const QByteArray& morePopulation = {}) {
    return R"({"format": 1, "name": "bluegreen-e2e", "seed": 11, "duration_s": )" +
           QByteArray::number(seconds) + R"(,
  "population": {"players": )" +
           QByteArray::number(kPlayers) + R"(, "poll_s": 0.2, "break_s": 0.5)" + morePopulation +
           R"(},
  "thresholds": {"error_rate": "<1"}})";
}

// The rollout side of the console, headless, on the stack's two servers.
struct Console {
    QTemporaryDir dir;
    std::unique_ptr<ConsoleStore> store;
    std::unique_ptr<LiveSource> source;
    std::unique_ptr<HaproxyTrafficController> controller;
    std::unique_ptr<RolloutSession> session;
    // The spare too (its figures count as blue's): set before open().
    bool watchSpare = false;

    QString open(const Stack& stack) {
        QString error;
        store = ConsoleStore::open(dir.filePath(u"console.sqlite"_s), &error);
        if (!store)
            return error;
        const QString token = stack.adminToken();
        QList<LiveServerConfig> servers{{stack.url(stack.blue()), token, {}},
                                        {stack.url(stack.green()), token, {}}};
        if (watchSpare)
            servers.append({stack.url(stack.spare()), token, {}});
        source = std::make_unique<LiveSource>(servers);
        controller = HaproxyTrafficController::create(u"127.0.0.1:%1"_s.arg(stack.rt()),
                                                      u"pulsco"_s, u"blue"_s, u"green"_s, &error);
        if (!controller)
            return error;
        controller->setPollIntervalMs(1000);
        controller->startPolling();
        session = std::make_unique<RolloutSession>(*store);
        session->setOperatorName(u"e2e"_s);
        session->setSource(source.get());
        session->setTrafficController(controller.get());
        source->start();
        return {};
    }

    QString start(const QByteArray& stepsJson) {
        QString error;
        auto steps = trafficStepsFromJson(stepsJson, u"steps"_s, &error);
        if (!steps)
            return error;
        session->setDraftSteps(std::move(*steps));
        return session->startRollout(&error) ? QString() : error;
    }

    std::vector<AuditEntry> rows(const QString& kind) const {
        std::vector<AuditEntry> out;
        for (const AuditEntry& e : session->audit().all())
            if (e.kind == kind)
                out.push_back(e);
        return out;
    }
    bool confirmed(int weight) const {
        for (const AuditEntry& e : rows(audit::kWeightConfirmed))
            if (e.subject == QString::number(weight))
                return true;
        return false;
    }
    double share() const { return session->measuredGreenShare().value_or(-1); }
    // New tickets in the trigger window, both colours: the share's sample.
    quint64 sample() const {
        const MetricsSnapshot w = session->windowedSnapshot();
        return w.blue.recentTicketsCreated + w.green.recentTicketsCreated;
    }
    // How far a measured share of `weight` % may stray on `sample()` tickets:
    // 3 points (the issue's bar), or 3.5 binomial standard deviations when
    // the window holds too few tickets for 3 points to be more than noise.
    // A controller that applied another weight (20 % for 10 %) still fails.
    double tolerance(int weight) const {
        const double n = double(std::max<quint64>(1, sample()));
        const double p = weight / 100.0;
        return std::max(3.0, 3.5 * 100.0 * std::sqrt(p * (1 - p) / n));
    }
};

struct Sim {
    QProcess process;
    QString ledger;
    void start(const Stack& stack, QTemporaryDir& dir, double seconds,
               const QByteArray& morePopulation = {}) {
        QFile f(dir.filePath(u"scenario.json"_s));
        if (f.open(QIODevice::WriteOnly))
            f.write(scenario(seconds, morePopulation));
        f.close();
        ledger = dir.filePath(u"ledger.txt"_s);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(kStagingBin + u"/pulsco-sim"_s,
                      {u"--scenario"_s, f.fileName(), u"--target"_s, stack.url(stack.api()),
                       u"--balancer"_s, u"--ledger"_s, ledger});
    }
    // color -> acknowledged ids
    std::map<QString, QStringList> acknowledged() const {
        std::map<QString, QStringList> ids;
        QFile f(ledger);
        if (!f.open(QIODevice::ReadOnly))
            return ids;
        for (const QByteArray& line : f.readAll().split('\n')) {
            const QList<QByteArray> parts = line.split(' ');
            if (parts.size() == 2)
                ids[QString::fromUtf8(parts[0])] << QString::fromUtf8(parts[1]);
        }
        return ids;
    }
};

inline int getStatus(QNetworkAccessManager& network, const QString& url) {
    QNetworkReply* reply = network.get(QNetworkRequest{QUrl(url)});
    QSignalSpy done(reply, &QNetworkReply::finished);
    done.wait(5000);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

inline quint64 createdOn(QNetworkAccessManager& network, const QString& url) {
    QNetworkReply* reply = network.get(QNetworkRequest{QUrl(url + u"/v1/stats"_s)});
    QSignalSpy done(reply, &QNetworkReply::finished);
    done.wait(5000);
    const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return quint64(
        o.value(u"total").toObject().value(u"tickets").toObject().value(u"created").toInteger());
}

// The stack, the console on it (until its first snapshot) and `seconds` of
// players through HAProxy; "" or why not.
inline QString startAll(Stack& stack, Console& console, Sim& sim, double seconds,
                        const QByteArray& morePopulation = {}) {
    if (QString e = stack.start(); !e.isEmpty())
        return e;
    if (QString e = console.open(stack); !e.isEmpty())
        return e;
    if (!QTest::qWaitFor([&] { return console.session->latestSnapshot() != nullptr; }, 15000))
        return u"no snapshot from the stack's servers within 15 s"_s;
    sim.start(stack, console.dir, seconds, morePopulation);
    if (!sim.process.waitForStarted(5000))
        return u"pulsco-sim did not start: "_s + sim.process.errorString();
    return {};
}

}  // namespace pulsco::test
