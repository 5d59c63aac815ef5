// The Connect dialog, offscreen: servers and per-server admin tokens become
// a Live request and settings; an empty token removes the stored one; the
// recent server sets are remembered most recent first, without duplicates;
// the CA certificate file for https:// servers is kept and offered again.
#include "ui/ConnectDialog.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using pulsco::ConnectDialog;

class TestConnectDialog : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QCoreApplication::setOrganizationName(u"pulsco-test"_s);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    }

    void tokensAreStoredPerServerAndRequestIsLive() {
        ConnectDialog dialog;
        dialog.setServers({u"http://127.0.0.1:8080/"_s, u"http://127.0.0.1:8081"_s});
        auto* table = dialog.findChild<QTableWidget*>();
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 2);
        qobject_cast<QLineEdit*>(table->cellWidget(0, 1))->setText(u"blue-token-123456789"_s);
        QCOMPARE(qobject_cast<QLineEdit*>(table->cellWidget(0, 1))->echoMode(),
                 QLineEdit::Password);
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const pulsco::SourceRequest request = dialog.request();
        QCOMPARE(request.kind, pulsco::SourceRequest::Kind::Live);
        QCOMPARE(request.urls,
                 (QStringList{u"http://127.0.0.1:8080"_s, u"http://127.0.0.1:8081"_s}));
        QCOMPARE(ConnectDialog::adminTokenFor(u"http://127.0.0.1:8080"_s),
                 u"blue-token-123456789"_s);
        QCOMPARE(ConnectDialog::adminTokenFor(u"http://127.0.0.1:8081"_s), QString());

        // Reopened: the token is filled in (masked); cleared, it is removed.
        ConnectDialog again;
        again.setServers(request.urls);
        auto* t2 = again.findChild<QTableWidget*>();
        auto* token = qobject_cast<QLineEdit*>(t2->cellWidget(0, 1));
        QCOMPARE(token->text(), u"blue-token-123456789"_s);
        token->clear();
        again.accept();
        QCOMPARE(ConnectDialog::adminTokenFor(u"http://127.0.0.1:8080"_s), QString());
    }

    // Issue 15: the traffic controller is chosen here and saved with the
    // server set; a wrong one is refused with the field named.
    void trafficControllerIsSavedWithTheServerSet() {
        const QStringList set{u"http://127.0.0.1:7080"_s, u"http://127.0.0.1:7081"_s};
        ConnectDialog dialog;
        dialog.setServers(set);
        QVERIFY(dialog.trafficController().kind == pulsco::TrafficControllerConfig::Kind::Manual);
        auto* kind = dialog.findChild<QComboBox*>();
        QVERIFY(kind);
        QComboBox* controllers = nullptr;
        for (QComboBox* box : dialog.findChildren<QComboBox*>())
            if (box->accessibleName() == u"Traffic controller"_s)
                controllers = box;
        QVERIFY(controllers);
        controllers->setCurrentIndex(1);  // HAProxy
        dialog.accept();
        QVERIFY(dialog.result() != int(QDialog::Accepted));  // no address yet
        QVERIFY(dialog.findChildren<QLabel*>().size() > 0);
        QLineEdit* spare = nullptr;
        for (QLineEdit* edit : dialog.findChildren<QLineEdit*>()) {
            if (edit->accessibleName() == u"HAProxy runtime API address"_s)
                edit->setText(u"127.0.0.1:9999"_s);
            if (edit->accessibleName() == u"HAProxy spare server for scale out"_s)
                spare = edit;
        }
        QVERIFY(spare);
        QCOMPARE(spare->text(), u"spare"_s);
        spare->setText(u"green"_s);  // green's own server: refused, the field named
        dialog.accept();
        QVERIFY(dialog.result() != int(QDialog::Accepted));
        spare->setText(u"spare-2"_s);
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.request().traffic.haproxyAddress, u"127.0.0.1:9999"_s);

        const pulsco::TrafficControllerConfig saved = ConnectDialog::savedTrafficController(set);
        QVERIFY(saved.kind == pulsco::TrafficControllerConfig::Kind::Haproxy);
        QCOMPARE(saved.haproxyAddress, u"127.0.0.1:9999"_s);
        QCOMPARE(saved.haproxyBackend, u"pulsco"_s);
        QCOMPARE(saved.haproxySpareServer, u"spare-2"_s);
        // Another set has its own (none yet); the same set brings it back.
        QVERIFY(ConnectDialog::savedTrafficController({u"http://10.0.0.1:8080"_s}).kind ==
                pulsco::TrafficControllerConfig::Kind::Manual);
        ConnectDialog again;
        again.setServers(set);
        QVERIFY(again.trafficController() == saved);
    }

    // Issue 22: a live drill's surge target is set here too, checked, and
    // saved with the server set like the traffic controller.
    void drillSurgeTargetIsSavedWithTheServerSet() {
        const QStringList set{u"http://127.0.0.1:7180"_s, u"http://127.0.0.1:7181"_s};
        ConnectDialog dialog;
        dialog.setServers(set);
        QCOMPARE(dialog.drillSurgeTarget(), pulsco::DrillSurgeTarget{});  // none yet
        QLineEdit* url = nullptr;
        for (QLineEdit* edit : dialog.findChildren<QLineEdit*>())
            if (edit->accessibleName() == u"Drill surge load target URL"_s)
                url = edit;
        QVERIFY(url);
        url->setText(u"ftp://127.0.0.1:8000"_s);
        dialog.accept();
        QVERIFY(dialog.result() != int(QDialog::Accepted));
        bool said = false;
        for (QLabel* label : dialog.findChildren<QLabel*>())
            said = said || label->text().startsWith(
                               u"Drill surge load: 'ftp://127.0.0.1:8000' is not an http://"_s);
        QVERIFY(said);
        dialog.setDrillSurgeTarget({u"http://127.0.0.1:8000/"_s, 300});
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const pulsco::DrillSurgeTarget expected{u"http://127.0.0.1:8000"_s, 300};
        QCOMPARE(ConnectDialog::savedDrillSurgeTarget(set), expected);
        ConnectDialog again;
        again.setServers(set);
        QCOMPARE(again.drillSurgeTarget(), expected);
        // Cleared: nothing saved, nothing offered.
        again.setDrillSurgeTarget({});
        again.accept();
        QCOMPARE(ConnectDialog::savedDrillSurgeTarget(set), pulsco::DrillSurgeTarget{});
    }

    void caCertificateFileIsSavedAndOffered() {
        ConnectDialog dialog;
        dialog.setServers({u"https://staging.example:8443"_s});
        auto* ca = dialog.findChild<QLineEdit*>(QString(), Qt::FindDirectChildrenOnly);
        QVERIFY(ca);
        QCOMPARE(ca->accessibleName(), u"CA certificate file"_s);
        ca->setText(u"/etc/pulsco/staging-ca.pem"_s);
        dialog.showError(u"https://staging.example:8443: example of a refused URL"_s);
        if (const QByteArray dir = qgetenv("PULSCO_SCREENSHOT_DIR"); !dir.isEmpty()) {
            dialog.show();
            dialog.grab().save(QString::fromLocal8Bit(dir) + u"/connect-dialog.png"_s);
        }
        dialog.accept();
        QCOMPARE(ConnectDialog::savedCaCertificateFile(), u"/etc/pulsco/staging-ca.pem"_s);
        ConnectDialog again;  // offered again next time
        QCOMPARE(again.caCertificateFile(), u"/etc/pulsco/staging-ca.pem"_s);
        again.setCaCertificateFile({});
        again.accept();
        QCOMPARE(ConnectDialog::savedCaCertificateFile(), QString());
    }

    // Issue 18: "Read from" a Prometheus; the URL and selector are
    // remembered; the server table is not used; no URL is refused.
    void prometheusIsOfferedAndRemembered() {
        ConnectDialog dialog;
        QComboBox* readFrom = nullptr;
        for (QComboBox* box : dialog.findChildren<QComboBox*>())
            if (box->accessibleName() == u"Read figures from"_s)
                readFrom = box;
        QVERIFY(readFrom);
        QCOMPARE(readFrom->count(), 2);
        QVERIFY(!dialog.viaPrometheus());
        dialog.setPrometheus(QString(), QString());
        QVERIFY(dialog.viaPrometheus());
        QVERIFY(!dialog.findChild<QTableWidget*>()->isEnabled());
        dialog.accept();
        QVERIFY(dialog.result() != int(QDialog::Accepted));  // no URL
        dialog.setPrometheus(u"http://127.0.0.1:9090/"_s, u"{job=\"pulsco-staging\"}"_s);
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const pulsco::SourceRequest request = dialog.request();
        QCOMPARE(request.kind, pulsco::SourceRequest::Kind::Prometheus);
        QCOMPARE(request.prometheusUrl, u"http://127.0.0.1:9090"_s);
        QCOMPARE(request.prometheusSelector, u"{job=\"pulsco-staging\"}"_s);
        QVERIFY(request.urls.isEmpty());
        ConnectDialog again;
        again.setPrometheus(QString(), QString());  // keeps what was saved
        QCOMPARE(again.request().prometheusUrl, u"http://127.0.0.1:9090"_s);
        QCOMPARE(again.request().prometheusSelector, u"{job=\"pulsco-staging\"}"_s);
    }

    void noServerIsRefused() {
        ConnectDialog dialog;
        dialog.setServers({});
        dialog.accept();
        QVERIFY(dialog.result() != int(QDialog::Accepted));
    }

    void recentSetsMostRecentFirst() {
        ConnectDialog::remember({u"http://a:1"_s});
        ConnectDialog::remember({u"http://b:1"_s, u"http://c:1"_s});
        ConnectDialog::remember({u"http://a:1"_s});
        const QStringList recent = ConnectDialog::recentServerSets();
        QCOMPARE(recent.value(0), u"http://a:1"_s);
        QCOMPARE(recent.value(1), u"http://b:1,http://c:1"_s);
        QCOMPARE(recent.count(u"http://a:1"_s), 1);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestConnectDialog)
#include "tst_connect_dialog.moc"
