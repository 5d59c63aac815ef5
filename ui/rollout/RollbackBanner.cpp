#include "ui/rollout/RollbackBanner.h"

#include "rollout/RolloutSession.h"
#include "ui/Theme.h"

#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pulsco {

RollbackBanner::RollbackBanner(RolloutSession& session, QWidget* parent)
    : QFrame(parent)
    , m_session(session) {
    setObjectName(u"pageBanner"_s);
    setAccessibleName(tr("Rollback banner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_headline = new QLabel(this);
    m_headline->setWordWrap(true);
    m_headline->setAccessibleName(tr("Rollback"));
    QFont big = m_headline->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_headline->setFont(big);
    m_details = new QLabel(this);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAccessibleName(tr("Rollback cause and figures"));
    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("Your name"));
    m_name->setAccessibleName(tr("Name of who acknowledges"));
    m_name->setMinimumWidth(m_name->fontMetrics().horizontalAdvance(tr("Your name")) * 2 + 24);
    m_acknowledge = new QPushButton(tr("Ac&knowledge"), this);
    m_acknowledge->setAccessibleName(tr("Acknowledge the rollback by name"));
    m_showSteps = new QPushButton(tr("Show steps"), this);
    m_showSteps->setAccessibleName(tr("Show the rollout's steps"));

    auto* text = new QVBoxLayout;
    text->addWidget(m_headline);
    text->addWidget(m_details);
    auto* layout = new QHBoxLayout(this);
    layout->addLayout(text, 1);
    layout->addWidget(m_showSteps, 0, Qt::AlignTop);
    layout->addWidget(m_name, 0, Qt::AlignTop);
    layout->addWidget(m_acknowledge, 0, Qt::AlignTop);

    connect(m_name, &QLineEdit::textChanged, this,
            [this](const QString& name) { m_acknowledge->setEnabled(!name.trimmed().isEmpty()); });
    connect(m_name, &QLineEdit::returnPressed, this, &RollbackBanner::acknowledge);
    connect(m_acknowledge, &QPushButton::clicked, this, &RollbackBanner::acknowledge);
    connect(m_showSteps, &QPushButton::clicked, this, &RollbackBanner::showStepsRequested);
    connect(&session, &RolloutSession::noticeChanged, this, &RollbackBanner::refresh);
    m_acknowledge->setEnabled(false);
    refresh();
}

void RollbackBanner::suggestName(const QString& name) {
    // Follow the Operator field until someone types a different name here.
    if (m_name->text() == m_suggested)
        m_name->setText(name.trimmed());
    m_suggested = name.trimmed();
}

void RollbackBanner::refresh() {
    const std::optional<RolloutNotice>& notice = m_session.notice();
    setVisible(notice.has_value());
    if (!notice)
        return;
    m_paused = notice->state != u"Degraded"_s;
    m_headline->setText(u"⚠ "_s + notice->headline);
    QStringList lines;
    if (!notice->cause.isEmpty())
        lines << tr("<b>Why:</b> %1").arg(notice->cause.toHtmlEscaped());
    if (!notice->figures.isEmpty())
        lines << tr("<b>Figures:</b> %1").arg(notice->figures.toHtmlEscaped());
    lines
        << tr("At source time %1 s (%2). %3")
               .arg(QString::number(notice->sourceTimeSeconds, 'f', 0),
                    QDateTime::fromMSecsSinceEpoch(notice->atMs).toString(u"yyyy-MM-dd HH:mm:ss"_s),
                    m_paused ? tr("Resume or abort it on the Blue-green tab; acknowledge with "
                                  "your name.")
                             : tr("All traffic is back on blue. Acknowledge with your name: "
                                  "it goes in the audit trail."));
    m_details->setText(lines.join(u"<br>"_s));
    setToolTip(notice->headline);
    applyColours();
}

void RollbackBanner::acknowledge() {
    QString error;
    if (!m_session.acknowledgeNotice(m_name->text(), &error))
        emit failed(error);
}

void RollbackBanner::changeEvent(QEvent* event) {
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyColours();
    else if (event->type() == QEvent::ParentChange)
        refresh();  // moved under the window's top bar: shown only with a notice
}

void RollbackBanner::applyColours() {
    // The state colours of the theme: readable text on them in light and dark.
    const QPalette base = parentWidget() ? parentWidget()->palette() : palette();
    const KpiLevel level = m_paused ? KpiLevel::Warning : KpiLevel::Breach;
    const QColor background = levelColor(level, base);
    const QColor text = textOnLevel(level, base);
    if (palette().color(QPalette::Window) == background &&
        palette().color(QPalette::WindowText) == text)
        return;  // nothing changed (and no PaletteChange loop)
    QPalette p = palette();
    p.setColor(QPalette::Window, background);
    p.setColor(QPalette::WindowText, text);
    setPalette(p);
}

}  // namespace pulsco
