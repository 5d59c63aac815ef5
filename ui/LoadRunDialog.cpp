#include "ui/LoadRunDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pulsco {

LoadRunDialog::LoadRunDialog(QString simProgram, QStringList targetUrls, QStringList scenarios,
                             QWidget* parent)
    : QDialog(parent)
    , m_program(std::move(simProgram))
    , m_urls(std::move(targetUrls))
    , m_scenario(new QComboBox(this))
    , m_duration(new QSpinBox(this))
    , m_progress(new QProgressBar(this))
    , m_start(new QPushButton(tr("&Start"), this))
    , m_stop(new QPushButton(tr("S&top"), this))
    , m_verdict(new QLabel(this))
    , m_output(new QPlainTextEdit(this)) {
    setWindowTitle(tr("Load run against %1").arg(m_urls.join(u", "_s)));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_scenario->addItems(scenarios);
    m_scenario->setEditable(true);  // a shipped name or a file path
    form->addRow(tr("&Scenario:"), m_scenario);
    m_duration->setRange(1, 24 * 3600);
    m_duration->setValue(60);
    m_duration->setSuffix(tr(" s"));
    form->addRow(tr("&Duration:"), m_duration);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    auto* row = new QHBoxLayout;
    row->addWidget(m_start);
    row->addWidget(m_stop);
    row->addWidget(m_verdict, 1);
    layout->addLayout(row);
    m_output->setReadOnly(true);
    m_output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(m_output, 1);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    layout->addWidget(close);
    m_stop->setEnabled(false);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    connect(close, &QDialogButtonBox::rejected, this, &LoadRunDialog::reject);
    connect(m_start, &QPushButton::clicked, this, &LoadRunDialog::start);
    connect(m_stop, &QPushButton::clicked, this, &LoadRunDialog::stop);
    connect(&m_process, &QProcess::finished, this, &LoadRunDialog::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            m_verdict->setText(tr("cannot start %1: %2").arg(m_program, m_process.errorString()));
            m_start->setEnabled(true);
            m_stop->setEnabled(false);
            m_ticker.stop();
        }
    });
    m_ticker.setInterval(200);  // progress, not a busy redraw
    connect(&m_ticker, &QTimer::timeout, this, &LoadRunDialog::tick);
    resize(720, 480);
}

LoadRunDialog::~LoadRunDialog() {
    if (running()) {
        m_process.kill();
        m_process.waitForFinished(3000);
    }
}

void LoadRunDialog::setScenario(const QString& name) {
    m_scenario->setCurrentText(name);
}

void LoadRunDialog::setDurationSeconds(int seconds) {
    m_duration->setValue(seconds);
}

void LoadRunDialog::start() {
    if (running())
        return;
    m_stopped = false;
    m_output->clear();
    m_verdict->setText(tr("running…"));
    m_progress->setValue(0);
    m_start->setEnabled(false);
    m_stop->setEnabled(true);
    m_clock.start();
    m_ticker.start();
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(m_program,
                    {u"--scenario"_s, m_scenario->currentText(), u"--duration"_s,
                     QString::number(m_duration->value()), u"--target"_s, m_urls.join(u',')});
}

void LoadRunDialog::stop() {
    if (!running())
        return;
    m_stopped = true;
    m_process.terminate();
    if (!m_process.waitForFinished(2000))
        m_process.kill();
}

void LoadRunDialog::tick() {
    const double fraction = static_cast<double>(m_clock.elapsed()) / (1000.0 * m_duration->value());
    m_progress->setValue(static_cast<int>(std::min(1.0, fraction) * 1000));
}

void LoadRunDialog::onFinished(int exitCode, QProcess::ExitStatus status) {
    m_ticker.stop();
    m_start->setEnabled(true);
    m_stop->setEnabled(false);
    m_output->setPlainText(QString::fromUtf8(m_process.readAll()));
    if (m_stopped || status != QProcess::NormalExit) {
        m_verdict->setText(tr("stopped"));
    } else {
        m_progress->setValue(1000);
        m_verdict->setText(exitCode == 0   ? tr("PASS: every threshold holds")
                           : exitCode == 1 ? tr("FAIL: a threshold is broken")
                                           : tr("refused: bad input (see below)"));
    }
    emit finished(m_stopped ? -1 : exitCode);
}

QString LoadRunDialog::verdict() const {
    return running() ? QString() : m_verdict->text();
}

QString LoadRunDialog::output() const {
    return m_output->toPlainText();
}

}  // namespace pulsco
