#include "ui/drills/AlertsPanel.h"

#include "drills/Runbooks.h"
#include "ui/drills/AlertListModel.h"

#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pulsco {

AlertsPanel::AlertsPanel(AlertEngine* engine, QWidget* parent)
    : QWidget(parent)
    , m_engine(engine) {
    setObjectName(u"alertsPanel"_s);
    m_model = new AlertListModel(engine, this);

    m_summary = new QLabel(this);
    m_summary->setObjectName(u"alertsSummary"_s);
    m_summary->setAccessibleName(tr("Alert summary"));

    m_table = new QTableView(this);
    m_table->setObjectName(u"alertsTable"_s);
    m_table->setAccessibleName(tr("Alerts"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setSectionResizeMode(AlertListModel::Alert, QHeaderView::Stretch);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setWordWrap(false);
    m_table->installEventFilter(this);
    m_table->viewport()->installEventFilter(this);

    m_operator = new QLineEdit(this);
    m_operator->setObjectName(u"alertsOperator"_s);
    m_operator->setAccessibleName(tr("Your name"));
    m_operator->setPlaceholderText(tr("required to acknowledge"));
    m_note = new QLineEdit(this);
    m_note->setObjectName(u"alertsResolveNote"_s);
    m_note->setAccessibleName(tr("Resolve note"));
    m_note->setPlaceholderText(tr("what was done (required to resolve)"));
    m_ack = new QPushButton(tr("&Acknowledge"), this);
    m_ack->setObjectName(u"alertsAcknowledge"_s);
    m_ack->setAccessibleName(tr("Acknowledge the selected alert"));
    m_resolve = new QPushButton(tr("&Resolve"), this);
    m_resolve->setObjectName(u"alertsResolve"_s);
    m_resolve->setAccessibleName(tr("Resolve the selected alert with the note"));

    m_hint = new QLabel(this);
    m_hint->setObjectName(u"alertsHint"_s);
    m_hint->setAccessibleName(tr("Why the alert buttons are disabled"));
    m_hint->setWordWrap(true);
    m_hint->setStyleSheet(u"QLabel { color: #c62828; }"_s);
    m_hint->hide();

    m_runbook = new QTextBrowser(this);
    m_runbook->setObjectName(u"alertsRunbook"_s);
    m_runbook->setAccessibleName(tr("Runbook of the selected alert"));
    m_runbook->setOpenExternalLinks(false);
    m_runbook->setPlaceholderText(tr("Select an alert to see its runbook."));

    auto* form = new QFormLayout;
    form->addRow(tr("Name:"), m_operator);
    form->addRow(tr("Note:"), m_note);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_ack);
    buttons->addWidget(m_resolve);
    buttons->addStretch();

    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_summary);
    topLayout->addWidget(m_table, 1);
    topLayout->addLayout(form);
    topLayout->addLayout(buttons);
    topLayout->addWidget(m_hint);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(m_runbook);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split);

    connect(m_ack, &QPushButton::clicked, this, &AlertsPanel::acknowledgeSelected);
    connect(m_resolve, &QPushButton::clicked, this, [this] { resolveSelected(m_note->text()); });
    connect(m_note, &QLineEdit::textChanged, this, &AlertsPanel::updateSelection);
    connect(m_operator, &QLineEdit::textChanged, this, &AlertsPanel::updateSelection);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AlertsPanel::updateSelection);
    // A model reset loses the selection: keep the operator's choice.
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this,
            [this] { m_keep = selectedRule(); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (!m_keep.isEmpty())
            select(m_keep);
        updateSelection();
        updateSummary();
        scheduleFit();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this] {
        updateSelection();
        updateSummary();
        scheduleFit();
    });
    updateSelection();
    updateSummary();
    fitColumns();
}

bool AlertsPanel::eventFilter(QObject* watched, QEvent* event) {
    // After the dock and the header have settled on the new width.
    if ((watched == m_table || watched == m_table->viewport()) &&
        (event->type() == QEvent::Resize || event->type() == QEvent::Show))
        scheduleFit();
    return QWidget::eventFilter(watched, event);
}

void AlertsPanel::scheduleFit() {
    // Once the header has handled the reset or resize itself (it lays its
    // sections out again after a model reset).
    if (m_fitPending)
        return;
    m_fitPending = true;
    QTimer::singleShot(0, this, [this] {
        m_fitPending = false;
        fitColumns();
    });
}

void AlertsPanel::fitColumns() {
    QHeaderView* header = m_table->horizontalHeader();
    const auto need = [&](int column) {
        return std::max(header->sectionSizeHint(column),
                        static_cast<QAbstractItemView*>(m_table)->sizeHintForColumn(column)) +
               6;
    };
    const int alertMinimum = header->fontMetrics().horizontalAdvance(u"Matchmaking error"_s);
    const int available = m_table->viewport()->width();
    int used = alertMinimum;
    for (const int column : {AlertListModel::Severity, AlertListModel::State, AlertListModel::Since,
                             AlertListModel::Value, AlertListModel::Acknowledged}) {
        const bool always = column == AlertListModel::Severity || column == AlertListModel::State;
        header->setSectionHidden(column, false);  // a hidden section's size hint is 0
        const int width = need(column);
        const bool show = always || used + width <= available;
        header->setSectionHidden(column, !show);
        if (show) {
            header->resizeSection(column, width);
            used += width;
        }
    }
}

void AlertsPanel::setOperatorName(const QString& name) {
    m_operator->setText(name);
}

QString AlertsPanel::operatorName() const {
    // No stand-in name: an acknowledgement nobody signed tells the next
    // operator nothing (issue 23).
    return m_operator->text().trimmed();
}

bool AlertsPanel::select(const QString& rule) {
    const int row = m_model->rowOf(rule);
    if (row < 0)
        return false;
    m_table->selectRow(row);
    updateSelection();
    return true;
}

QString AlertsPanel::selectedRule() const {
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_model->ruleAt(rows.first().row());
}

bool AlertsPanel::acknowledgeSelected() {
    const QString rule = selectedRule();
    const bool ok = m_engine && !rule.isEmpty() && !operatorName().isEmpty() &&
                    m_engine->acknowledge(rule, operatorName());
    updateSelection();
    return ok;
}

bool AlertsPanel::resolveSelected(const QString& note) {
    const QString rule = selectedRule();
    if (!m_engine || rule.isEmpty() || note.trimmed().isEmpty() || operatorName().isEmpty())
        return false;
    const bool ok = m_engine->resolve(rule, operatorName(), note.trimmed());
    if (ok)
        m_note->clear();
    updateSelection();
    return ok;
}

void AlertsPanel::updateSelection() {
    const QString rule = selectedRule();
    const AlertStatus* s = m_engine && !rule.isEmpty() ? m_engine->status(rule) : nullptr;
    const bool named = !operatorName().isEmpty();
    const bool ackable = s && s->state == AlertState::Firing && !s->acknowledged;
    const bool resolvable =
        s && (s->state == AlertState::Firing || s->state == AlertState::Pending);
    const bool noted = !m_note->text().trimmed().isEmpty();
    m_ack->setEnabled(ackable && named);
    m_resolve->setEnabled(resolvable && noted && named);
    // Say why a button the operator reaches for is disabled, beside it and
    // as its tooltip (a disabled button's tooltip still shows).
    const QString nameWhy = tr("Type your name in Name: first: an acknowledgement records who "
                               "is on the alert.");
    QString why;
    if ((ackable || (resolvable && noted)) && !named)
        why = nameWhy;
    m_hint->setText(why);
    m_hint->setVisible(!why.isEmpty());
    m_ack->setToolTip(ackable && !named ? nameWhy
                      : s && s->acknowledged
                          ? tr("Acknowledged by %1").arg(s->acknowledgedBy)
                          : tr("Acknowledge the selected firing alert as %1")
                                .arg(named ? operatorName() : tr("the name above")));
    m_resolve->setToolTip(
        !resolvable ? tr("Select a firing or pending alert to resolve it")
        : !named    ? nameWhy
        : !noted    ? tr("Write what was done in Note: first")
                    : tr("Resolve the selected alert as %1 with the note").arg(operatorName()));
    const AlertRule* r = m_engine && !rule.isEmpty() ? m_engine->rule(rule) : nullptr;
    const QString path = r ? r->runbook : QString();
    if (path == m_shownRunbook)
        return;
    m_shownRunbook = path;
    const QString text = runbookText(path);
    if (!r)
        m_runbook->clear();
    else if (text.isEmpty())
        m_runbook->setPlainText(tr("%1\n\nNo runbook is linked to this rule (%2).")
                                    .arg(r->summary, r->conditionText()));
    else
        m_runbook->setMarkdown(text);
}

void AlertsPanel::updateSummary() {
    if (!m_engine)
        return;
    int firing = 0, unacked = 0;
    for (const AlertRule& r : m_engine->rules()) {
        const AlertStatus* s = m_engine->status(r.name);
        if (s && s->state == AlertState::Firing) {
            ++firing;
            if (!s->acknowledged)
                ++unacked;
        }
    }
    m_summary->setText(firing == 0 ? tr("No alert firing.")
                                   : tr("%n firing, ", nullptr, firing) +
                                         tr("%n not acknowledged", nullptr, unacked));
}

AlertsDock::AlertsDock(AlertEngine* engine, QWidget* parent)
    : QDockWidget(tr("Alerts"), parent) {
    setObjectName(u"alertsDock"_s);
    setAccessibleName(tr("Alerts panel"));
    m_panel = new AlertsPanel(engine, this);
    setWidget(m_panel);
}

}  // namespace pulsco
