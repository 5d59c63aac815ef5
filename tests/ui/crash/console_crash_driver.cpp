// Child process of tst_console_crash: the console's own rollout and drill
// code on a real store, driven without widgets. At start it recovers what a
// killed predecessor left (as pulsco-console does), then works through a
// rollout (checklist ticks, a blue-green rollout on the real engine whose
// steps advance by themselves) and a drill (trainee notes and actions),
// printing an ACK line after each action the UI would show as done:
//   ACK audit <id>          a rollout audit row committed (tick, step, gate...)
//   ACK drill <text>        a drill event the trainee saw in the timeline
// It runs until it is killed.
#include "support/EngineSource.h"

#include "drills/AlertEngine.h"
#include "drills/AlertRuleJson.h"
#include "drills/DrillJournal.h"
#include "drills/DrillJson.h"
#include "drills/DrillSession.h"
#include "drills/DrillSessionStore.h"
#include "rollout/RolloutSession.h"
#include "store/ConsoleStore.h"

#include <QCoreApplication>

#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;
using namespace pulsco;
using pulsco::test::EngineSource;

namespace {

void ack(const QByteArray& what) {
    const QByteArray line = "ACK " + what + '\n';
    std::fputs(line.constData(), stdout);
    std::fflush(stdout);
}

int fail(const QString& why) {
    std::fprintf(stderr, "console_crash_driver: %s\n", qPrintable(why));
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc < 3)
        return fail(u"usage: console_crash_driver STORE.sqlite ROUND"_s);
    const QString round = QString::fromLocal8Bit(argv[2]);
    QString error;
    auto store = ConsoleStore::open(QString::fromLocal8Bit(argv[1]), &error);
    if (!store)
        return fail(error);
    const auto recovered = DrillJournal::recoverInterrupted(*store, &error);
    if (!recovered)
        return fail(error);
    std::printf("RECOVERED %d\n", *recovered);
    std::fflush(stdout);

    auto source = EngineSource::shipped(u"baseline-1000"_s);
    RolloutSession rollout(*store);
    rollout.setOperatorName(u"op-"_s + round);
    rollout.setSource(source.get());
    QObject::connect(&rollout, &RolloutSession::auditAppended,
                     [](qint64 id) { ack("audit " + QByteArray::number(id)); });

    AlertRulesLoad rules = loadDefaultAlertRules();
    AlertEngine alerts(rules.rules.value_or(std::vector<AlertRule>{}));
    QObject::connect(source.get(), &Source::snapshotReady, &alerts,
                     [&alerts](SnapshotPtr s) { alerts.evaluate(*s); });
    const QStringList drills = shippedDrillPaths();
    if (drills.isEmpty())
        return fail(u"no shipped drill"_s);
    DrillLoad drill = loadDrillFile(drills.constFirst());
    if (!drill.drill)
        return fail(drill.error);
    // A drill that ends is saved as the Drills page saves it, and the next
    // one starts.
    DrillSessionStore sessions(*store);
    std::unique_ptr<DrillSession> session;
    const auto startDrill = [&] {
        session = std::make_unique<DrillSession>(*drill.drill, source.get(), &alerts);
        session->setTrainee(u"trainee-"_s + round);
        session->setJournal(sessions.openJournal());
        QObject::connect(session.get(), &DrillSession::finished, [&](const DrillRecord& r) {
            QString why;
            if (const auto id = sessions.save(r, &why))
                ack("drill-saved " + QByteArray::number(*id));
            else
                std::fprintf(stderr, "%s\n", qPrintable(why));
        });
        session->start();
    };
    startDrill();
    source->advance(1);
    if (session->phase() != DrillSession::Phase::Running)
        return fail(u"the drill did not start"_s);

    // Checklist ticks of the manual items, a rollout, and the trainee's
    // notes and actions, interleaved with the engine's time.
    std::vector<QString> manual;
    for (const PlanPhase& phase : rollout.plan().phases)
        for (const PlanSection& section : phase.sections)
            for (const PlanItem& item : section.items)
                if (!item.gated())
                    manual.push_back(item.id);
    // A rollout the killed predecessor left open resumes (restored from the
    // audit trail); otherwise a new one starts.
    if (!rollout.rolloutActive() && !rollout.startRollout(&error))
        return fail(error);
    double now = 1;
    for (qint64 n = 0;; ++n) {
        const QString& item = manual[std::size_t(n) % manual.size()];
        const bool check = !rollout.itemState(item).done;
        if (!rollout.setItemChecked(item, check, u"round %1 tick %2"_s.arg(round).arg(n), &error))
            return fail(error);
        const QString note = u"r%1-note-%2"_s.arg(round).arg(n);
        if (session->phase() == DrillSession::Phase::Finished)
            startDrill();
        if (session->addNote(note))
            ack("drill " + note.toUtf8());
        if (n % 7 == 3) {
            DrillAction action;
            action.kind = DrillActionKind::Escalate;
            const QString why = u"r%1-escalate-%2"_s.arg(round).arg(n);
            if (session->act(action, why))
                ack("drill " + why.toUtf8());
        }
        now += 5;
        source->advance(now);  // step analysis, gates, weights on their own
        if (!rollout.rolloutActive() && !rollout.startRollout(&error))
            return fail(error);
    }
}
