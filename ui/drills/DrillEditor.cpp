#include "ui/drills/DrillEditor.h"

#include "bridge/FaultSpecJson.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

QString actionText(const DrillAction& a) {
    if (a.kind == DrillActionKind::Drain)
        return u"drain:"_s + a.target;
    if (a.kind == DrillActionKind::ShedRegion)
        return u"shed_region:"_s + a.region;
    return toString(a.kind);
}

QJsonObject actionObject(const QString& text) {
    QJsonObject o;
    const QString kind = text.section(u':', 0, 0).trimmed();
    const QString arg = text.section(u':', 1).trimmed();
    o.insert(u"action"_s, kind);
    if (kind == u"drain")
        o.insert(u"target"_s, arg);
    else if (kind == u"shed_region")
        o.insert(u"region"_s, arg);
    return o;
}

QPlainTextEdit* textBox(QWidget* parent, const QString& name, int lines) {
    auto* box = new QPlainTextEdit(parent);
    box->setAccessibleName(name);
    box->setTabChangesFocus(true);
    box->setFixedHeight(box->fontMetrics().lineSpacing() * lines + 12);
    return box;
}

}  // namespace

DrillEditor::DrillEditor(QWidget* parent)
    : QWidget(parent) {
    setObjectName(u"drillEditor"_s);
    auto* inner = new QWidget;
    auto* form = new QFormLayout(inner);
    m_name = new QLineEdit(inner);
    m_name->setAccessibleName(tr("Drill name"));
    m_name->setPlaceholderText(u"my-drill"_s);
    m_title = new QLineEdit(inner);
    m_title->setAccessibleName(tr("Drill title"));
    m_scenario = new QComboBox(inner);
    m_scenario->setAccessibleName(tr("Scenario"));
    m_greenWeight = new QSpinBox(inner);
    m_greenWeight->setAccessibleName(tr("Green weight at start"));
    m_greenWeight->setRange(-1, 100);
    m_greenWeight->setSpecialValueText(tr("unchanged"));
    m_greenWeight->setSuffix(u" %"_s);
    m_briefing = textBox(inner, tr("Briefing"), 3);
    m_notes = textBox(inner, tr("Trainer notes (hidden cause)"), 3);
    m_faults = textBox(inner, tr("Faults (JSON array)"), 4);
    m_alerts = new QListWidget(inner);
    m_alerts->setAccessibleName(tr("Expected alerts"));
    m_alerts->setFixedHeight(m_alerts->fontMetrics().lineSpacing() * 5 + 8);
    m_actions = new QLineEdit(inner);
    m_actions->setAccessibleName(tr("Correct actions"));
    m_actions->setPlaceholderText(u"rollback, drain:green"_s);
    m_wrong = new QLineEdit(inner);
    m_wrong->setAccessibleName(tr("Wrong actions and their cost"));
    m_wrong->setPlaceholderText(u"drain:blue=sent everyone to the slow release; …"_s);
    m_escalate = new QCheckBox(tr("Escalation expected"), inner);
    m_healthy = new QLineEdit(inner);
    m_healthy->setAccessibleName(tr("Healthy when"));
    m_healthy->setPlaceholderText(tr("optional, e.g. p(95)(api_latency_ms) < 150"));
    m_response = textBox(inner, tr("Expected response"), 2);
    auto seconds = [inner](const QString& name, double value, double max) {
        auto* spin = new QDoubleSpinBox(inner);
        spin->setAccessibleName(name);
        spin->setRange(1, max);
        spin->setDecimals(0);
        spin->setSuffix(u" s"_s);
        spin->setValue(value);
        return spin;
    };
    m_mttd = seconds(tr("MTTD target"), 300, 86400);
    m_mttr = seconds(tr("MTTR target"), 900, 86400);
    m_limit = seconds(tr("Time limit"), 1800, 7 * 86400);
    m_runbook = new QLineEdit(inner);
    m_runbook->setAccessibleName(tr("Runbook"));
    m_runbook->setPlaceholderText(u"docs/runbooks/api-latency-p95-high.md"_s);

    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Title:"), m_title);
    form->addRow(tr("&Scenario:"), m_scenario);
    form->addRow(tr("&Green weight:"), m_greenWeight);
    form->addRow(tr("&Briefing:"), m_briefing);
    form->addRow(tr("Hidden &cause:"), m_notes);
    form->addRow(tr("&Faults:"), m_faults);
    form->addRow(tr("Expected &alerts:"), m_alerts);
    form->addRow(tr("Correct a&ctions:"), m_actions);
    form->addRow(tr("&Wrong actions:"), m_wrong);
    form->addRow(QString(), m_escalate);
    form->addRow(tr("&Healthy when:"), m_healthy);
    form->addRow(tr("Expected &response:"), m_response);
    form->addRow(tr("MTTD target:"), m_mttd);
    form->addRow(tr("MTTR target:"), m_mttr);
    form->addRow(tr("Time limit:"), m_limit);
    form->addRow(tr("R&unbook:"), m_runbook);

    auto* scroll = new QScrollArea(this);
    scroll->setWidget(inner);
    scroll->setWidgetResizable(true);
    m_error = new QLabel(this);
    m_error->setObjectName(u"drillEditorError"_s);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #c62828;"_s);
    m_save = new QPushButton(tr("Sa&ve drill"), this);
    m_save->setAccessibleName(tr("Save the drill"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(scroll, 1);
    layout->addWidget(m_error);
    layout->addWidget(m_save, 0, Qt::AlignRight);
    connect(m_save, &QPushButton::clicked, this, &DrillEditor::saveRequested);
    clear();
}

void DrillEditor::setContext(const DrillContext& context) {
    m_context = context;
    const QString current = m_scenario->currentText();
    m_scenario->clear();
    m_scenario->addItems(context.scenarios);
    m_scenario->setCurrentText(current);
    m_alerts->clear();
    for (const QString& name : context.alerts) {
        auto* item = new QListWidgetItem(name, m_alerts);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
}

void DrillEditor::clear() {
    m_inlineScenario = {};
    m_name->clear();
    m_title->clear();
    m_greenWeight->setValue(-1);
    m_briefing->clear();
    m_notes->clear();
    m_faults->setPlainText(
        u"[{\"kind\": \"latency\", \"at_s\": 60, \"target\": \"green\", \"latency_ms\": 300}]"_s);
    for (int i = 0; i < m_alerts->count(); ++i)
        m_alerts->item(i)->setCheckState(Qt::Unchecked);
    m_actions->clear();
    m_wrong->clear();
    m_escalate->setChecked(false);
    m_healthy->clear();
    m_response->clear();
    m_mttd->setValue(300);
    m_mttr->setValue(900);
    m_limit->setValue(1800);
    m_runbook->clear();
    m_error->clear();
}

void DrillEditor::load(const DrillScript& d) {
    clear();
    m_inlineScenario = d.inlineScenario;
    m_name->setText(d.name);
    m_title->setText(d.title);
    if (d.inlineScenario.isEmpty())
        m_scenario->setCurrentText(d.scenario);
    m_greenWeight->setValue(d.greenWeight.value_or(-1));
    m_briefing->setPlainText(d.briefing);
    m_notes->setPlainText(d.trainerNotes);
    QJsonArray faults;
    for (const FaultSpec& f : d.faults)
        faults.append(faultSpecToJsonObject(f));
    m_faults->setPlainText(
        QString::fromUtf8(QJsonDocument(faults).toJson(QJsonDocument::Indented)));
    for (int i = 0; i < m_alerts->count(); ++i)
        m_alerts->item(i)->setCheckState(
            d.expectedAlerts.contains(m_alerts->item(i)->text()) ? Qt::Checked : Qt::Unchecked);
    QStringList actions;
    for (const DrillAction& a : d.correctActions)
        actions.append(actionText(a));
    m_actions->setText(actions.join(u", "_s));
    QStringList wrong;
    for (const DrillWrongAction& w : d.wrongActions)
        wrong.append(actionText(w.action) + u'=' + w.cost);
    m_wrong->setText(wrong.join(u"; "_s));
    m_escalate->setChecked(d.escalationExpected);
    if (d.healthyWhen)
        m_healthy->setText(QString::fromStdString(d.healthyWhen->text()));
    m_response->setPlainText(d.expectedResponse);
    m_mttd->setValue(d.mttdTargetSeconds);
    m_mttr->setValue(d.mttrTargetSeconds);
    m_limit->setValue(d.timeLimitSeconds);
    m_runbook->setText(d.runbook);
}

QByteArray DrillEditor::json() const {
    QJsonObject root;
    root.insert(u"format"_s, kDrillFormat);
    root.insert(u"name"_s, m_name->text().trimmed());
    root.insert(u"title"_s, m_title->text().trimmed());
    if (!m_inlineScenario.isEmpty())
        root.insert(u"scenario"_s, m_inlineScenario);
    else
        root.insert(u"scenario"_s, m_scenario->currentText());
    if (m_greenWeight->value() >= 0)
        root.insert(u"setup"_s, QJsonObject{{u"green_weight"_s, m_greenWeight->value()}});
    root.insert(u"briefing"_s, m_briefing->toPlainText());
    if (!m_notes->toPlainText().trimmed().isEmpty())
        root.insert(u"trainer_notes"_s, m_notes->toPlainText());
    // The faults box holds JSON; a syntax error there is reported by the
    // loader as "faults: ...", so pass the text through as a string if needed.
    const QJsonDocument faults = QJsonDocument::fromJson(m_faults->toPlainText().toUtf8());
    root.insert(u"faults"_s, faults.isArray() ? QJsonValue(faults.array())
                                              : QJsonValue(m_faults->toPlainText()));
    QJsonObject expected;
    QJsonArray alerts;
    for (int i = 0; i < m_alerts->count(); ++i)
        if (m_alerts->item(i)->checkState() == Qt::Checked)
            alerts.append(m_alerts->item(i)->text());
    expected.insert(u"alerts"_s, alerts);
    QJsonArray actions;
    for (const QString& a : m_actions->text().split(u',', Qt::SkipEmptyParts))
        actions.append(actionObject(a));
    expected.insert(u"actions"_s, actions);
    if (m_escalate->isChecked())
        expected.insert(u"escalate"_s, true);
    if (!m_healthy->text().trimmed().isEmpty())
        expected.insert(u"healthy_when"_s, m_healthy->text().trimmed());
    expected.insert(u"response"_s, m_response->toPlainText());
    root.insert(u"expected"_s, expected);
    QJsonArray wrong;
    for (const QString& w : m_wrong->text().split(u';', Qt::SkipEmptyParts)) {
        QJsonObject o = actionObject(w.section(u'=', 0, 0));
        o.insert(u"cost"_s, w.section(u'=', 1).trimmed());
        wrong.append(o);
    }
    if (!wrong.isEmpty())
        root.insert(u"wrong_actions"_s, wrong);
    root.insert(u"targets"_s,
                QJsonObject{{u"mttd_s"_s, m_mttd->value()}, {u"mttr_s"_s, m_mttr->value()}});
    root.insert(u"time_limit_s"_s, m_limit->value());
    if (!m_runbook->text().trimmed().isEmpty())
        root.insert(u"runbook"_s, m_runbook->text().trimmed());
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

std::optional<DrillScript> DrillEditor::drill(QString* error) {
    const QString name = m_name->text().trimmed().isEmpty() ? u"new-drill"_s : m_name->text();
    DrillLoad load = parseDrill(json(), tr("drill form (%1)").arg(name), m_context);
    m_error->setText(load.error);
    if (error)
        *error = load.error;
    return load.drill;
}

}  // namespace pulsco
