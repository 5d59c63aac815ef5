// Where pulsco-matchd's store lives and what differs between its dialects:
// --store URL parsing (errors name the flag and never echo a password), the
// migrations' types on PostgreSQL, and which refused writes fail one request
// only.
#include "net/store/Migrations.h"
#include "net/store/StoreAddress.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

class TestStoreAddress : public QObject {
    Q_OBJECT
private slots:
    void parsesUrls_data();
    void parsesUrls();
    void refusesBadUrls_data();
    void refusesBadUrls();
    void masksPasswords_data();
    void masksPasswords();
    void postgresGetsWideTypes();
    void requestSpecificErrors_data();
    void requestSpecificErrors();
};

void TestStoreAddress::parsesUrls_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("display");
    QTest::newRow("full") << u"postgresql://pulsco@db.internal:6432/matchd"_s << u"db.internal"_s
                          << 6432 << u"pulsco"_s << u"matchd"_s
                          << u"postgresql://pulsco@db.internal:6432/matchd"_s;
    QTest::newRow("default port") << u"postgres://pulsco@10.0.0.5/matchd"_s << u"10.0.0.5"_s << 5432
                                  << u"pulsco"_s << u"matchd"_s
                                  << u"postgresql://pulsco@10.0.0.5:5432/matchd"_s;
    QTest::newRow("password kept out of display")
        << u"postgresql://pulsco:s3cret@127.0.0.1:5433/m"_s << u"127.0.0.1"_s << 5433 << u"pulsco"_s
        << u"m"_s << u"postgresql://pulsco@127.0.0.1:5433/m"_s;
}

void TestStoreAddress::parsesUrls() {
    QFETCH(QString, text);
    QString error;
    const auto a = StoreAddress::parse(text, &error);
    QVERIFY2(a, qPrintable(error));
    QVERIFY(a->dialect == SqlDialect::Postgresql);
    QTEST(a->host, "host");
    QTEST(a->port, "port");
    QTEST(a->user, "user");
    QTEST(a->database, "database");
    QTEST(a->display(), "display");
}

void TestStoreAddress::refusesBadUrls_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("no database") << u"postgresql://u@h:5432"_s << u"must name one database"_s;
    QTest::newRow("two path parts") << u"postgresql://u@h/a/b"_s << u"must name one database"_s;
    QTest::newRow("query") << u"postgresql://u@h/db?sslmode=require"_s
                           << u"query parameters are not supported"_s;
    QTest::newRow("port zero") << u"postgresql://u:pw@h:0/db"_s << u"port must be from 1"_s;
}

void TestStoreAddress::refusesBadUrls() {
    QFETCH(QString, text);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!StoreAddress::parse(text, &error));
    QVERIFY2(error.startsWith(u"--store: "_s) && error.contains(message), qPrintable(error));
    QVERIFY2(!error.contains(u":pw@"_s), qPrintable(error));
    QVERIFY(!StoreAddress::parse(text, nullptr));  // no error wanted: no crash either
}

void TestStoreAddress::masksPasswords_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("masked");
    QTest::newRow("password") << u"postgresql://u:secret@h/db"_s << u"postgresql://u:***@h/db"_s;
    QTest::newRow("colon in it") << u"postgresql://u:a:b@h/db"_s << u"postgresql://u:***@h/db"_s;
    QTest::newRow("at in it") << u"postgresql://u:a@b@h/db"_s << u"postgresql://u:***@h/db"_s;
    QTest::newRow("upper case") << u"POSTGRESQL://u:pw@h/db"_s << u"POSTGRESQL://u:***@h/db"_s;
    QTest::newRow("no password") << u"postgresql://u@h:5432/db"_s << u"postgresql://u@h:5432/db"_s;
    QTest::newRow("a path") << u"/var/lib/pulsco"_s << u"/var/lib/pulsco"_s;
}

void TestStoreAddress::masksPasswords() {
    QFETCH(QString, text);
    QTEST(StoreAddress::masked(text), "masked");
    QString error;
    if (StoreAddress::isUrl(text) && !StoreAddress::parse(text + u"?x=1"_s, &error))
        QVERIFY2(!error.contains(u"secret"_s) && !error.contains(u":pw@"_s) &&
                     !error.contains(u"a:b"_s),
                 qPrintable(error));
}

// Every column type of every migration, translated: no INTEGER or REAL left
// for PostgreSQL (32-bit / single precision there), SQLite unchanged.
void TestStoreAddress::postgresGetsWideTypes() {
    const auto& sqlite = schemaMigrations(SqlDialect::Sqlite);
    const auto& postgres = schemaMigrations(SqlDialect::Postgresql);
    QCOMPARE(postgres.size(), sqlite.size());
    static const QRegularExpression narrow(u"\\b(INTEGER|REAL)\\b"_s);
    int widened = 0;
    for (std::size_t i = 0; i < sqlite.size(); ++i) {
        QCOMPARE(postgres[i].up.size(), sqlite[i].up.size());
        for (qsizetype s = 0; s < sqlite[i].up.size(); ++s) {
            QVERIFY2(!postgres[i].up[s].contains(narrow), qPrintable(postgres[i].up[s]));
            widened += sqlite[i].up[s].count(narrow);
        }
    }
    QVERIFY(widened >= 10);  // seq, times, counters, mu, sigma...
    QCOMPARE(translateDdl(u"CREATE TABLE t (a INTEGER, b REAL, integer_ms TEXT)"_s,
                          SqlDialect::Postgresql),
             u"CREATE TABLE t (a BIGINT, b DOUBLE PRECISION, integer_ms TEXT)"_s);
    QCOMPARE(sqlite.front().up.front(), schemaMigrations().front().up.front());
}

void TestStoreAddress::requestSpecificErrors_data() {
    QTest::addColumn<int>("dialect");
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("requestOnly");
    QTest::newRow("pg unique violation") << int(SqlDialect::Postgresql) << u"23505"_s << true;
    QTest::newRow("pg value too long") << int(SqlDialect::Postgresql) << u"22001"_s << true;
    QTest::newRow("pg admin shutdown") << int(SqlDialect::Postgresql) << u"57P01"_s << false;
    QTest::newRow("pg disk full") << int(SqlDialect::Postgresql) << u"53100"_s << false;
    QTest::newRow("pg no connection") << int(SqlDialect::Postgresql) << QString() << false;
    QTest::newRow("sqlite constraint") << int(SqlDialect::Sqlite) << u"2067"_s << true;
    QTest::newRow("sqlite full") << int(SqlDialect::Sqlite) << u"13"_s << false;
}

void TestStoreAddress::requestSpecificErrors() {
    QFETCH(int, dialect);
    QFETCH(QString, code);
    QFETCH(bool, requestOnly);
    const QSqlError error(u"driver"_s, u"database"_s, QSqlError::StatementError, code);
    QCOMPARE(isRequestSpecificError(error, SqlDialect(dialect)), requestOnly);
}

QTEST_GUILESS_MAIN(TestStoreAddress)
#include "tst_storeaddress.moc"
