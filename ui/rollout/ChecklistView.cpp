#include "ui/rollout/ChecklistView.h"

#include "rollout/MaintenanceEvidence.h"
#include "rollout/RolloutSession.h"
#include "ui/Format.h"
#include "ui/rollout/ChecklistFilter.h"
#include "ui/rollout/ChecklistModel.h"

#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

#include <vector>

using namespace Qt::StringLiterals;

namespace pulsco {

ChecklistView::ChecklistView(RolloutSession& session, QWidget* parent)
    : QWidget(parent)
    , m_session(session) {
    m_model = new ChecklistModel(session, this);
    m_filter = new ChecklistFilter(this);
    m_filter->setSourceModel(m_model);

    m_filterBox = new QComboBox(this);
    m_filterBox->addItems(
        {tr("All items"), tr("Open"), tr("Done"), tr("Gated"), tr("Failing gates")});
    m_filterBox->setAccessibleName(tr("Checklist filter"));
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search items (Ctrl+F)"));
    m_search->setAccessibleName(tr("Search checklist"));
    m_search->setClearButtonEnabled(true);
    auto* filterLabel = new QLabel(tr("&Show:"), this);
    filterLabel->setBuddy(m_filterBox);
    auto* bar = new QHBoxLayout;
    bar->addWidget(filterLabel);
    bar->addWidget(m_filterBox);
    bar->addWidget(m_search, 1);

    m_tree = new QTreeView(this);
    m_tree->setModel(m_filter);
    m_tree->setAccessibleName(tr("Rollout checklist"));
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setSectionResizeMode(ChecklistModel::Item, QHeaderView::Stretch);
    m_tree->header()->setStretchLastSection(false);
    // Room for a hold in progress on rehearsal evidence, the longest usual state.
    m_tree->setColumnWidth(
        ChecklistModel::Status,
        m_tree->fontMetrics().horizontalAdvance(u"holding 4 min 59 s / 5 min · rehearsal"_s) + 16);
    m_tree->setColumnWidth(ChecklistModel::Value, 170);
    // "By · when" holds a name and a minute: sized for a longish name and
    // the date (a longer name is elided; its tooltip has it whole).
    m_tree->setColumnWidth(
        ChecklistModel::By,
        m_tree->fontMetrics().horizontalAdvance(u"Maximilian Müller · 2026-12-31 23:59"_s) + 16);
    m_tree->expandAll();

    auto* detail = new QWidget(this);
    m_title = new QLabel(tr("Select an item"), detail);
    m_title->setWordWrap(true);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_gate = new QLabel(detail);
    m_gate->setWordWrap(true);
    m_gate->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_evidence = new QPlainTextEdit(detail);
    m_evidence->setReadOnly(true);
    m_evidence->setAccessibleName(tr("Item evidence"));
    m_evidence->setMaximumBlockCount(200);
    m_evidence->setPlaceholderText(
        tr("Evidence appears here: a gate's figures when it passed, or the note and who "
           "checked a manual item. Check the item with the button below (your name from "
           "Operator is recorded)."));
    m_note = new QLineEdit(detail);
    m_note->setPlaceholderText(tr("Optional note"));
    m_note->setAccessibleName(tr("Note for the check"));
    m_check = new QPushButton(tr("&Check"), detail);
    m_check->setAccessibleName(tr("Check item"));
    m_uncheck = new QPushButton(tr("&Uncheck"), detail);
    m_uncheck->setAccessibleName(tr("Uncheck item"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_note, 1);
    buttons->addWidget(m_check);
    buttons->addWidget(m_uncheck);
    auto* detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_title);
    detailLayout->addWidget(m_gate);
    detailLayout->addWidget(m_evidence, 1);
    detailLayout->addLayout(buttons);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_tree);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connect(m_filterBox, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_filter->setMode(static_cast<ChecklistFilter::Mode>(i));
        m_tree->expandAll();
    });
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_filter->setSearch(text);
        m_tree->expandAll();
    });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ChecklistView::showDetail);
    connect(m_check, &QPushButton::clicked, this, [this] { setChecked(true); });
    connect(m_uncheck, &QPushButton::clicked, this, [this] { setChecked(false); });
    connect(&session, &RolloutSession::itemChanged, this, [this] {
        m_model->refresh();
        showDetail();
    });
    connect(&session, &RolloutSession::planChanged, this, [this] {
        m_model->reload();
        m_tree->expandAll();
        selectCurrentItem();
        showDetail();
    });
    selectCurrentItem();
    showDetail();
}

void ChecklistView::selectCurrentItem() {
    // The item to work on next: the first one not done (else the first),
    // so the detail pane never opens empty.
    QModelIndex first, open;
    std::vector<QModelIndex> stack{QModelIndex()};
    while (!stack.empty() && !open.isValid()) {
        const QModelIndex parent = stack.back();
        stack.pop_back();
        const int rows = m_filter->rowCount(parent);
        for (int r = rows - 1; r >= 0; --r)
            stack.push_back(m_filter->index(r, 0, parent));
        if (!parent.isValid() || parent.data(ChecklistModel::KindRole).toString() != u"item"_s)
            continue;
        if (!first.isValid())
            first = parent;
        if (!parent.data(ChecklistModel::DoneRole).toBool())
            open = parent;
    }
    const QModelIndex pick = open.isValid() ? open : first;
    if (!pick.isValid())
        return;
    m_tree->setCurrentIndex(pick);
}

QString ChecklistView::selectedItemId() const {
    return m_tree->currentIndex().data(ChecklistModel::ItemIdRole).toString();
}

bool ChecklistView::selectItem(const QString& itemId) {
    const QModelIndex source = m_model->indexOfItem(itemId);
    const QModelIndex index = m_filter->mapFromSource(source);
    if (!index.isValid())
        return false;
    m_tree->setCurrentIndex(index);
    m_tree->scrollTo(index);
    return true;
}

void ChecklistView::refresh() {
    m_model->refresh();
    if (m_filter->mode() == ChecklistFilter::Mode::Failing)
        m_filter->invalidate();
    showDetail();
}

void ChecklistView::showDetail() {
    const QString id = selectedItemId();
    const PlanItem* item = id.isEmpty() ? nullptr : m_session.plan().findItem(id);
    // Only the action that applies: Check an open manual item, Uncheck a
    // done one. Gated items pass by their metric, never by hand.
    const bool manual = item && !item->gated();
    const bool done = manual && m_session.itemState(id).done;
    m_check->setEnabled(manual && !done);
    m_uncheck->setEnabled(manual && done);
    m_note->setEnabled(manual);
    if (!item) {
        m_title->setText(tr("Select an item to check it, or to see its gate and evidence."));
        m_gate->clear();
        m_evidence->clear();
        return;
    }
    m_title->setText(item->text);
    const ItemState state = m_session.itemState(id);
    if (item->gated()) {
        const GateStatus* g = m_session.gateStatus(id);
        QString text =
            tr("Gate <code>%1</code> · hold %2 · counts in %3")
                .arg(item->gate->text.toHtmlEscaped(), formatSeconds(item->gate->holdSeconds),
                     item->gate->environmentsText());
        if (item->gate->minSample)
            text += tr(" · needs <code>%1</code>")
                        .arg(QString::fromStdString(item->gate->minSample->text()).toHtmlEscaped());
        if (g) {
            text +=
                tr("<br>Now: %1 — %2")
                    .arg(m_model->gateValueText(*item).toHtmlEscaped(), gateStateName(g->state));
            if (g->state == GateStatus::State::Holding)
                text += tr(" (%1 of %2)")
                            .arg(formatSeconds(g->heldSeconds), formatSeconds(g->holdSeconds));
            if (!g->noDataReason.isEmpty())
                text += u" · "_s + g->noDataReason.toHtmlEscaped();
            if (const QString note = gateElsewhereNote(*g, *item->gate); !note.isEmpty())
                text += u"<br><b>"_s + note.toHtmlEscaped() + u"</b>"_s;
        }
        m_gate->setText(text);
    } else {
        m_gate->setText(state.kind.isEmpty()
                            ? tr("Manual item, never checked.")
                            : tr("%1 by %2 at %3")
                                  .arg(state.done ? tr("Checked") : tr("Unchecked"),
                                       state.actor.toHtmlEscaped(),
                                       QDateTime::fromMSecsSinceEpoch(state.atMs).toString()));
    }
    QString evidence;
    if (!state.note.isEmpty())
        evidence += tr("Note: ") + state.note + u"\n"_s;
    if (!state.evidence.isEmpty() && state.evidence != "{}") {
        QJsonObject o = QJsonDocument::fromJson(state.evidence).object();
        const bool hasSnapshot = o.contains(u"snapshot"_s);
        o.remove(u"snapshot"_s);
        // A store gate's runs first, one readable entry each: what ran,
        // whether it held, what it measured.
        if (const QJsonArray runs = o.take(u"store_maintenance"_s).toArray(); !runs.isEmpty())
            evidence += maintenanceRunsText(runs) + u'\n';
        evidence += QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
        if (hasSnapshot)
            evidence += tr("(the whole snapshot is kept in the audit trail)");
    }
    // Before a store gate passes (or where its evidence does not count),
    // the runs the server reports now, or what to run to produce them.
    if (item->gated() && !state.done) {
        const SnapshotPtr latest = m_session.latestSnapshot();
        const QJsonArray runs = latest && latest->storeMaintenance
                                    ? maintenanceRunsFor(*item->gate, *latest->storeMaintenance)
                                    : QJsonArray();
        if (!runs.isEmpty())
            evidence += tr("Reported by the server now:") + u'\n' + maintenanceRunsText(runs);
        else if (const QString howTo = maintenanceHowTo(*item->gate); !howTo.isEmpty())
            evidence += tr("No run yet. To produce this evidence:") + u'\n' + howTo;
    }
    m_evidence->setPlainText(evidence);
}

void ChecklistView::setChecked(bool checked) {
    const QString id = selectedItemId();
    if (id.isEmpty())
        return;
    QString error;
    if (!m_session.setItemChecked(id, checked, m_note->text(), &error)) {
        emit failed(error);
        return;
    }
    m_note->clear();
}

}  // namespace pulsco
