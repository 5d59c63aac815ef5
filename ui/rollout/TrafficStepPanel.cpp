#include "ui/rollout/TrafficStepPanel.h"

#include "ui/rollout/CanaryJudgementModel.h"

#include "bridge/TrafficController.h"
#include "rollout/AnalysisImport.h"
#include "rollout/DetectionTime.h"
#include "rollout/RolloutPlanJson.h"
#include "rollout/RolloutSession.h"
#include "ui/EnvironmentComparisonModel.h"
#include "ui/Format.h"
#include "ui/HistogramChart.h"
#include "ui/KpiStatus.h"
#include "ui/Theme.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

HistogramChartSpec latencySpec(const QString& colour) {
    HistogramChartSpec spec;
    spec.title = colour + u" · API latency (last 60 s)"_s;
    spec.axisTitle = u"latency (ms)"_s;
    spec.valueTitle = u"% of requests"_s;
    spec.unit = u"ms"_s;
    spec.bar = kApiP95Bar.bound;
    spec.barName = u"bar < "_s + formatMs(kApiP95Bar.bound);
    spec.binCount = 24;
    return spec;
}

}  // namespace

TrafficStepPanel::TrafficStepPanel(RolloutSession& session, QWidget* parent)
    : QWidget(parent)
    , m_session(session) {
    m_confirm = [this](const QString& title, const QString& text) {
        return QMessageBox::question(this, title, text) == QMessageBox::Yes;
    };
    m_state = new QLabel(this);
    m_state->setAccessibleName(tr("Rollout state"));
    QFont big = m_state->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    m_state->setFont(big);
    m_detail = new QLabel(this);
    m_detail->setWordWrap(true);
    m_detail->setAccessibleName(tr("Rollout detail"));

    auto* commands = new QHBoxLayout;
    for (const auto& [key, text, name] :
         {std::tuple{u"start"_s, tr("&Start rollout"), tr("Start rollout")},
          std::tuple{u"pause"_s, tr("&Pause"), tr("Pause rollout")},
          std::tuple{u"resume"_s, tr("&Resume"), tr("Resume rollout")},
          std::tuple{u"promote"_s, tr("Pro&mote"), tr("Promote green to 100 percent")},
          std::tuple{u"abort"_s, tr("A&bort"), tr("Abort rollout")},
          std::tuple{u"rollback"_s, tr("Roll &back"), tr("Roll back to blue")},
          std::tuple{u"confirm"_s, tr("Con&firm traffic switched"),
                     tr("Confirm traffic switched")}})
        commands->addWidget(addButton(key, text, name));
    commands->addStretch(1);

    m_steps = new QListWidget(this);
    m_steps->setAccessibleName(tr("Rollout steps"));
    m_steps->setWordWrap(true);  // the failed step's reason is read whole, not scrolled to
    m_editor = new QPlainTextEdit(this);
    m_editor->setAccessibleName(tr("Step list editor (JSON)"));
    m_editor->setPlaceholderText(
        u"[{\"set_weight\": 10}, {\"pause\": {\"duration_s\": 60}}, ...]"_s);
    m_editorStatus = new QLabel(this);
    m_editorStatus->setWordWrap(true);
    auto* apply = new QPushButton(tr("Apply &steps"), this);
    apply->setAccessibleName(tr("Apply edited steps"));
    auto* importButton = new QPushButton(tr("&Import analysis…"), this);
    importButton->setObjectName(u"import-analysis"_s);
    importButton->setAccessibleName(tr("Import a Kayenta or Argo Rollouts analysis"));
    importButton->setToolTip(
        tr("Adds the analysis step a Kayenta canary config (.json) or an Argo Rollouts "
           "AnalysisTemplate (.yaml) maps to, for you to read and apply."));
    m_pickFile = [this] {
        return QFileDialog::getOpenFileName(
            this, tr("Import analysis"), {},
            tr("Kayenta canary config or Argo AnalysisTemplate (*.json *.yaml *.yml)"));
    };
    // Requested, read back and measured side by side: a switch that was
    // asked for but did not move the traffic shows here at once.
    m_traffic = new QLabel(this);
    m_traffic->setWordWrap(true);
    m_traffic->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_traffic->setAccessibleName(tr("Traffic controller and weights"));

    auto* stepsBox = new QGroupBox(tr("Steps"), this);
    auto* stepsLayout = new QGridLayout(stepsBox);
    stepsLayout->addWidget(m_steps, 0, 0, 3, 1);
    stepsLayout->addWidget(m_editor, 0, 1);
    stepsLayout->addWidget(m_editorStatus, 1, 1);
    auto* editorButtons = new QHBoxLayout;
    editorButtons->addStretch(1);
    editorButtons->addWidget(importButton);
    editorButtons->addWidget(apply);
    stepsLayout->addLayout(editorButtons, 2, 1);
    stepsLayout->addWidget(m_traffic, 3, 0, 1, 2);
    stepsLayout->setColumnStretch(0, 1);
    stepsLayout->setColumnStretch(1, 1);

    m_blueChart = new HistogramChart(latencySpec(tr("Blue")), this);
    m_blueChart->setAccessibleName(tr("Blue latency histogram"));
    m_greenChart = new HistogramChart(latencySpec(tr("Green")), this);
    m_greenChart->setAccessibleName(tr("Green latency histogram"));
    m_comparison = new EnvironmentComparisonModel(this);
    m_comparisonTable = new QTableView(this);
    m_comparisonTable->setModel(m_comparison);
    m_comparisonTable->setAccessibleName(tr("Blue and green comparison"));
    m_comparisonTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_comparisonTable->verticalHeader()->hide();
    auto* compareBox = new QWidget(this);
    auto* compare = new QGridLayout(compareBox);
    compare->addWidget(m_blueChart, 0, 0);
    compare->addWidget(m_greenChart, 0, 1);
    compare->addWidget(m_comparisonTable, 0, 2);
    // The table's labels ("Weight set", "Requests") must not clip at 1280.
    compare->setColumnStretch(0, 3);
    compare->setColumnStretch(1, 3);
    compare->setColumnStretch(2, 2);
    m_blueChart->setMinimumHeight(220);

    // Green against blue per metric, when the step has a judge.
    auto* judgeBox = new QWidget(this);
    m_judgeBox = judgeBox;
    m_judgeLabel = new QLabel(judgeBox);
    m_judgeLabel->setWordWrap(true);
    m_judgeLabel->setAccessibleName(tr("Canary judge score"));
    m_judge = new CanaryJudgementModel(this);
    m_judgeTable = new QTableView(judgeBox);
    m_judgeTable->setModel(m_judge);
    m_judgeTable->setAccessibleName(tr("Canary judge verdicts"));
    m_judgeTable->verticalHeader()->hide();
    m_judgeTable->setWordWrap(false);
    for (int c = 0; c < CanaryJudgementModel::ColumnCount; ++c)
        m_judgeTable->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_judgeTable->horizontalHeader()->setSectionResizeMode(CanaryJudgementModel::Why,
                                                           QHeaderView::Stretch);
    auto* judgeLayout = new QVBoxLayout(judgeBox);
    judgeLayout->addWidget(m_judgeLabel);
    judgeLayout->addWidget(m_judgeTable);
    // Blue vs green and the judge share the space under the steps: the page
    // must fit 1280x800, and the judge's tab title carries its score.
    m_bottomTabs = new QTabWidget(this);
    m_bottomTabs->setAccessibleName(tr("Blue and green, and the canary judge"));
    m_bottomTabs->addTab(compareBox, tr("Blue vs green"));
    m_bottomTabs->addTab(judgeBox, tr("Canary judge"));
    m_bottomTabs->setTabEnabled(1, false);

    auto* layout = new QVBoxLayout(this);
    auto* head = new QHBoxLayout;
    head->addWidget(m_state);
    head->addWidget(m_detail, 1);
    layout->addLayout(head);
    layout->addLayout(commands);
    layout->addWidget(stepsBox, 2);
    layout->addWidget(m_bottomTabs, 3);

    connect(apply, &QPushButton::clicked, this, [this] {
        QString error;
        if (!applyEditedSteps(&error))
            emit failed(error);
    });
    connect(importButton, &QPushButton::clicked, this, [this] {
        const QString path = m_pickFile ? m_pickFile() : QString();
        QString error;
        if (!path.isEmpty() && !importAnalysis(path, &error))
            emit failed(error);
    });
    connect(button(u"start"_s), &QPushButton::clicked, this, [this] {
        run(tr("Start rollout"),
            tr("Start a blue-green rollout with these %1 steps?")
                .arg(m_session.draftSteps().size()),
            [this](QString* e) { return m_session.startRollout(e); });
    });
    connect(button(u"pause"_s), &QPushButton::clicked, this,
            [this] { run({}, {}, [this](QString* e) { return m_session.pauseRollout(e); }); });
    connect(button(u"resume"_s), &QPushButton::clicked, this,
            [this] { run({}, {}, [this](QString* e) { return m_session.resumeRollout(e); }); });
    connect(button(u"promote"_s), &QPushButton::clicked, this, [this] {
        run(tr("Promote"), tr("Skip the remaining steps and send 100 % of traffic to green?"),
            [this](QString* e) { return m_session.promote(e); });
    });
    connect(button(u"abort"_s), &QPushButton::clicked, this, [this] {
        run(tr("Abort"), tr("Abort the rollout and send all traffic back to blue?"),
            [this](QString* e) { return m_session.abort(tr("operator abort"), e); });
    });
    connect(button(u"rollback"_s), &QPushButton::clicked, this, [this] {
        run(tr("Roll back"), tr("Roll back: all traffic to blue now?"),
            [this](QString* e) { return m_session.rollback(tr("manual rollback"), e); });
    });
    connect(button(u"confirm"_s), &QPushButton::clicked, this, [this] {
        run(tr("Traffic switched"),
            tr("Confirm that the load balancer now sends %1 % to green?")
                .arg(m_session.stepper() ? m_session.stepper()->weight() : 0),
            [this](QString* e) { return m_session.confirmWeight(e); });
    });
    connect(&session, &RolloutSession::rolloutChanged, this, &TrafficStepPanel::refresh);
    connect(&session, &RolloutSession::planChanged, this, [this] {
        m_editor->setPlainText(
            QString::fromUtf8(QJsonDocument(trafficStepsToJson(m_session.draftSteps()))
                                  .toJson(QJsonDocument::Indented)));
    });
    m_editor->setPlainText(QString::fromUtf8(
        QJsonDocument(trafficStepsToJson(m_session.draftSteps())).toJson(QJsonDocument::Indented)));
    refresh();
}

QPushButton* TrafficStepPanel::addButton(const QString& key, const QString& text,
                                         const QString& accessible) {
    auto* b = new QPushButton(text, this);
    b->setObjectName(key);
    b->setAccessibleName(accessible);
    m_buttons << b;
    return b;
}

QPushButton* TrafficStepPanel::button(const QString& name) const {
    for (QPushButton* b : m_buttons)
        if (b->objectName() == name)
            return b;
    return nullptr;
}

void TrafficStepPanel::run(const QString& title, const QString& question,
                           const std::function<bool(QString*)>& action) {
    if (!question.isEmpty() && !m_confirm(title, question))
        return;
    QString error;
    if (!action(&error))
        emit failed(error);
    refresh();
}

bool TrafficStepPanel::applyEditedSteps(QString* error) {
    auto steps = trafficStepsFromJson(m_editor->toPlainText().toUtf8(), tr("step editor"), error);
    if (!steps) {
        m_editorStatus->setText(*error);
        return false;
    }
    m_session.setDraftSteps(std::move(*steps));
    m_editorStatus->setText(
        tr("%1 steps ready for the next rollout.").arg(m_session.draftSteps().size()));
    refresh();
    return true;
}

bool TrafficStepPanel::importAnalysis(const QString& path, QString* error) {
    // The edited list first: an import never overwrites what the operator typed.
    const QString typed = m_editor->toPlainText().trimmed();
    QJsonArray steps;
    if (!typed.isEmpty()) {
        const QJsonDocument doc = QJsonDocument::fromJson(typed.toUtf8());
        if (!doc.isArray()) {
            *error = tr("Import analysis: the step list being edited is not a JSON array; fix "
                        "it first, nothing was added");
            m_editorStatus->setText(*error);
            return false;
        }
        steps = doc.array();
    }
    const AnalysisImport imported = importAnalysisFile(path);
    if (!imported.step) {
        *error = tr("Import analysis: %1").arg(imported.error);
        m_editorStatus->setText(*error);
        return false;
    }
    steps.append(trafficStepsToJson({*imported.step}).first());
    m_editor->setPlainText(QString::fromUtf8(QJsonDocument(steps).toJson(QJsonDocument::Indented)));
    QString status = tr("Added an analysis step from %1 (step %2): read it, then Apply steps.")
                         .arg(QFileInfo(path).fileName())
                         .arg(steps.size());
    for (const QString& note : imported.notes)
        status += u"\n"_s + tr("Note: %1").arg(note);
    m_editorStatus->setText(status);
    return true;
}

QString TrafficStepPanel::detectionText(const std::vector<TrafficStep>& steps, std::size_t index,
                                        QString* tooltip, bool* tooShort) const {
    const SnapshotPtr now = m_session.latestSnapshot();
    if (!now)
        return {};
    const AnalysisSpec& a = steps[index].analysis;
    const int weight = weightAtStep(steps, index);
    const std::vector<DetectionEstimate> estimates = estimateDetection(*a.judge, weight, *now);
    const double runs = a.intervalSeconds * a.count;
    const DetectionEstimate* slowest = nullptr;
    QStringList lines;
    for (const DetectionEstimate& e : estimates) {
        lines << (e.seconds
                      ? tr("%1 %2: ~%3").arg(e.metric, e.regression, durationWords(*e.seconds))
                      : tr("%1 %2: no estimate (%3)").arg(e.metric, e.regression, e.why));
        if (!slowest || (e.seconds && (!slowest->seconds || *e.seconds > *slowest->seconds)))
            slowest = &e;
    }
    *tooltip += u"\n"_s +
                tr("Time to detect at green %1 % and the traffic so far (the step runs %2):")
                    .arg(weight)
                    .arg(durationWords(runs)) +
                u"\n  "_s + lines.join(u"\n  "_s);
    if (!slowest || !slowest->seconds)
        return slowest ? tr("no detection estimate: %1").arg(slowest->why) : QString();
    *tooShort = *slowest->seconds > runs;
    if (*tooShort)
        return tr("too short: needs ~%1 to detect %2 %3, runs %4")
            .arg(durationWords(*slowest->seconds), slowest->metric, slowest->regression,
                 durationWords(runs));
    return tr("detects %1 %2 in ~%3 at this traffic")
        .arg(slowest->metric, slowest->regression, durationWords(*slowest->seconds));
}

void TrafficStepPanel::refresh() {
    const TrafficStepper* stepper = m_session.stepper();
    const bool active = m_session.rolloutActive();
    const RolloutState state = stepper ? stepper->state() : RolloutState::Healthy;
    m_state->setText(rolloutStateName(state));
    QString detail;
    if (stepper) {
        detail = tr("Rollout %1 · green %2 % · step %3 of %4")
                     .arg(m_session.rolloutNumber())
                     .arg(stepper->weight())
                     .arg(std::min<int>(stepper->currentStep() + 1, int(stepper->steps().size())))
                     .arg(stepper->steps().size());
        if (m_session.needsOperatorConfirmation())
            detail += tr(" · waiting for you to confirm the traffic switch");
        else if (stepper->awaitingWeight())
            detail += tr(" · waiting for the weight to take effect");
        if (!stepper->lastReason().isEmpty())
            detail += u" · "_s + stepper->lastReason();
    } else {
        detail = tr("No rollout yet. Edit the steps, then start.");
    }
    m_detail->setText(detail);
    m_traffic->setText(trafficText());
    button(u"start"_s)->setEnabled(!active);
    button(u"pause"_s)->setEnabled(active && state == RolloutState::Progressing);
    button(u"resume"_s)->setEnabled(active && state == RolloutState::Paused);
    button(u"promote"_s)->setEnabled(active);
    button(u"abort"_s)->setEnabled(active);
    button(u"rollback"_s)
        ->setEnabled(stepper && state != RolloutState::Healthy &&
                     !(state == RolloutState::Degraded && stepper->weight() == 0));
    button(u"confirm"_s)->setEnabled(m_session.needsOperatorConfirmation());

    // A rollout's own steps while it runs and after it ends (rolled back or
    // promoted): which step failed must stay readable. The draft otherwise.
    const bool shown = stepper && state != RolloutState::Healthy;
    const auto& steps = shown ? stepper->steps() : m_session.draftSteps();
    const int current = shown ? std::min<int>(stepper->currentStep(), int(steps.size()) - 1) : -1;
    m_steps->clear();
    for (int i = 0; i < int(steps.size()); ++i) {
        QString marker = u"   "_s;
        QString suffix;
        if (shown) {
            if (i < current || state == RolloutState::Promoted) {
                marker = u"✓ "_s;
            } else if (i == current && state == RolloutState::Degraded) {
                marker = u"✗ "_s;
                suffix = tr(" — rolled back here");
                if (!stepper->lastReason().isEmpty())
                    suffix += u": "_s + stepper->lastReason();
            } else if (i == current) {
                marker = state == RolloutState::Paused ? u"⏸ "_s : u"▶ "_s;
            }
        }
        QString text = marker + u"%1. "_s.arg(i + 1) + describeStep(steps[std::size_t(i)]);
        if (shown && i == current && steps[std::size_t(i)].kind == TrafficStep::Kind::Analysis &&
            stepper->measurements() > 0)
            text += tr(" — %1 measured, %2 failed")
                        .arg(stepper->measurements())
                        .arg(stepper->failedMeasurements());
        // Before a judged step runs: how long its judge needs at the traffic so
        // far, and whether the step runs that long.
        QString tooltip = text + suffix;
        bool tooShort = false;
        const bool upcoming = !shown || i > current ||
                              (i == current && stepper->measurements() == 0 &&
                               state != RolloutState::Degraded && state != RolloutState::Promoted);
        if (upcoming && steps[std::size_t(i)].kind == TrafficStep::Kind::Analysis &&
            steps[std::size_t(i)].analysis.judge) {
            const QString needs = detectionText(steps, std::size_t(i), &tooltip, &tooShort);
            if (!needs.isEmpty())
                text += u" — "_s + needs;
        }
        auto* item = new QListWidgetItem(text + suffix, m_steps);
        item->setToolTip(tooltip);
        if (tooShort)  // a step that cannot see what it is there to see
            item->setForeground(levelColor(KpiLevel::Warning, palette()));
        if (shown && i == current && state == RolloutState::Degraded) {
            item->setForeground(levelColor(KpiLevel::Breach, palette()));
            QFont bold = item->font();
            bold.setBold(true);
            item->setFont(bold);
        }
    }
    // The judge of the step shown as current: its latest look.
    const bool judgedStep = shown && current >= 0 &&
                            steps[std::size_t(current)].kind == TrafficStep::Kind::Analysis &&
                            steps[std::size_t(current)].analysis.judge;
    m_bottomTabs->setTabEnabled(1, judgedStep);
    m_judge->setJudgement(judgedStep ? stepper->lastJudgement() : std::nullopt);
    if (!judgedStep) {
        m_bottomTabs->setTabText(1, tr("Canary judge"));
        if (m_bottomTabs->currentIndex() == 1)
            m_bottomTabs->setCurrentIndex(0);
    } else {
        const AnalysisSpec& a = steps[std::size_t(current)].analysis;
        const auto& j = stepper->lastJudgement();
        const QString outcome =
            j ? QString(QString::fromLatin1(toString(j->outcome)) +
                        (j->criticalFailed ? tr(" (a critical metric failed)") : QString()))
              : QString();
        m_bottomTabs->setTabText(1, j ? tr("Canary judge — score %1, %2")
                                            .arg(j->score, 0, 'f', 0)
                                            .arg(QString::fromLatin1(toString(j->outcome)))
                                      : tr("Canary judge — waiting"));
        m_judgeLabel->setText(
            j ? tr("Score %1 — %2 after %3 of %4 looks (pass at %5, marginal from %6; one "
                   "false-alarm budget of %7 % for every look)")
                    .arg(j->score, 0, 'f', 0)
                    .arg(outcome)
                    .arg(stepper->measurements())
                    .arg(a.count)
                    .arg(a.judge->bars.pass)
                    .arg(a.judge->bars.marginal)
                    .arg(a.judge->alpha * 100)
              : tr("Waiting for the first look (every %1 s): green against blue on %2 metrics "
                   "since the step began.")
                    .arg(a.intervalSeconds)
                    .arg(a.judge->metrics.size()));
        // Rolled back by the judge: show why, once.
        const bool judgeFailed =
            state == RolloutState::Degraded && j && j->outcome == CanaryOutcome::Fail;
        if (judgeFailed && !m_judgeFailureShown)
            m_bottomTabs->setCurrentIndex(1);
        m_judgeFailureShown = judgeFailed;
    }

    // The state itself in the theme's state colours: Degraded is a breach.
    const KpiLevel level = state == RolloutState::Degraded   ? KpiLevel::Breach
                           : state == RolloutState::Paused   ? KpiLevel::Warning
                           : state == RolloutState::Promoted ? KpiLevel::Ok
                                                             : KpiLevel::Neutral;
    QPalette p = m_state->palette();
    p.setColor(QPalette::WindowText, level == KpiLevel::Neutral
                                         ? palette().color(QPalette::WindowText)
                                         : levelColor(level, palette()));
    m_state->setPalette(p);
}

QString TrafficStepPanel::trafficText() const {
    const TrafficController* controller = m_session.trafficController();
    const TrafficStepper* stepper = m_session.stepper();
    const auto percent = [](std::optional<double> v) {
        return v ? QLocale().toString(*v, 'f', 1) + u" %"_s : u"–"_s;
    };
    // Read back: what the snapshot carries as requested_weight (the
    // simulator's own setting; for live servers what the controller read back).
    const SnapshotPtr latest = m_session.latestSnapshot();
    const std::optional<int> readBack =
        latest ? latest->green.requestedWeightPercent : std::optional<int>();
    const std::optional<int> requested = stepper && stepper->state() != RolloutState::Healthy
                                             ? std::optional(stepper->weight())
                                             : readBack;
    const auto weight = [](std::optional<int> v) { return v ? u"%1 %"_s.arg(*v) : u"–"_s; };
    QString text = tr("Traffic: %1.").arg(controller->describe());
    text += u"  "_s +
            tr("Green requested %1 · read back %2 · measured %3 of new tickets (last %4 s).")
                .arg(weight(requested), weight(readBack), percent(m_session.measuredGreenShare()))
                .arg(m_session.windowSeconds());
    // All requests: more than the weight while green's tickets wait longer
    // (their polls stay on green); the balancer's count cross-checks it.
    text += u"  "_s + tr("Green served %1 of requests").arg(percent(m_session.greenRequestShare()));
    if (const std::optional<double> balancer = m_session.balancerGreenShare())
        text += tr(" (%1 counted at the balancer)").arg(percent(balancer));
    text += u"."_s;
    // Long-lived connections (WebSocket tunnels) stay on their server until
    // closed; a rollback drains green and closes them.
    if (const std::optional<BalancerCounters> c = m_session.balancerCounters())
        text += u"  "_s + tr("Open at the balancer: blue %1, green %2 sessions.")
                              .arg(c->blueConnections)
                              .arg(c->greenConnections);
    return text;
}

void TrafficStepPanel::refreshCharts() {
    m_traffic->setText(trafficText());
    const SnapshotPtr s = m_session.latestSnapshot();
    if (!s)
        return;
    m_blueChart->setHistogram(s->blue.recentApiLatencyMs);
    m_greenChart->setHistogram(s->green.recentApiLatencyMs);
    m_comparison->setSnapshot(*s);
}

}  // namespace pulsco
