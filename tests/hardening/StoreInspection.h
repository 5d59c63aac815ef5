// Looks at pulsco-matchd's store from outside, read-only, while the server
// is down (after kill -9, before the restart): what the store's own
// integrity check says and which tickets are on disk. The connection is
// closed again before returning so the restarted server finds the store as
// the crash left it. SQLite: the file, PRAGMA integrity_check. PostgreSQL
// (a postgresql:// URL, tests/support/TestStore.h): the database, amcheck's
// bt_index_check on every index of the store's tables.
#pragma once

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QUrl>

#include <atomic>
#include <map>

struct StoredTicket {
    QByteArray player;  // the first player's id
    QString state;
};

struct StoreInspection {
    QString error;                               // empty when the file could be read
    QString integrity;                           // "ok" when PRAGMA integrity_check found nothing
    std::map<QByteArray, StoredTicket> tickets;  // by API id, "blue-t<seq>"
    int matches = 0;                             // rows in the matches table
    int searching() const {
        int n = 0;
        for (const auto& [id, t] : tickets)
            n += t.state == QStringLiteral("searching") ? 1 : 0;
        return n;
    }
};

// `serverId`: the server that wrote the store (its ids' prefix; the rows
// hold plain numbers).
inline StoreInspection inspectStore(const QString& dbPath, const QByteArray& serverId = "blue") {
    static std::atomic<int> counter{0};
    const QString name = QStringLiteral("inspect-%1").arg(counter.fetch_add(1));
    StoreInspection out;
    {
        const bool postgres = dbPath.startsWith(QStringLiteral("postgresql://"));
        QSqlDatabase db = QSqlDatabase::addDatabase(
            postgres ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE"), name);
        if (postgres) {
            const QUrl url(dbPath);
            db.setHostName(url.host());
            db.setPort(url.port(5432));
            db.setUserName(url.userName());
            db.setDatabaseName(url.path().mid(1));
        } else {
            db.setDatabaseName(dbPath);
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        }
        if (!db.open()) {
            out.error =
                dbPath + QStringLiteral(": cannot open read-only: ") + db.lastError().text();
        } else {
            QSqlQuery q(db);
            if (postgres) {
                // The test cluster's superuser may create the extension;
                // the check itself only reads.
                if (!q.exec(QStringLiteral("CREATE EXTENSION IF NOT EXISTS amcheck")) ||
                    !q.exec(QStringLiteral("SELECT COUNT(bt_index_check(i.indexrelid)) FROM "
                                           "pg_index i JOIN pg_class t ON t.oid = i.indrelid "
                                           "WHERE t.relname IN ('tickets', 'matches', 'ratings')")))
                    out.integrity = QStringLiteral("amcheck: ") + q.lastError().text();
                else
                    out.integrity = QStringLiteral("ok");
            } else if (!q.exec(QStringLiteral("PRAGMA integrity_check"))) {
                out.error = QStringLiteral("integrity_check: ") + q.lastError().text();
            } else {
                QStringList lines;
                while (q.next())
                    lines << q.value(0).toString();
                out.integrity = lines.join(QLatin1Char('\n'));
            }
            if (out.error.isEmpty() &&
                !q.exec(QStringLiteral("SELECT seq, players, state FROM tickets"))) {
                out.error = QStringLiteral("reading tickets: ") + q.lastError().text();
            }
            while (out.error.isEmpty() && q.next()) {
                const QJsonArray players =
                    QJsonDocument::fromJson(q.value(1).toString().toUtf8()).array();
                StoredTicket t;
                t.player = players.at(0).toObject().value(QLatin1String("id")).toString().toUtf8();
                t.state = q.value(2).toString();
                out.tickets[serverId + "-t" + QByteArray::number(q.value(0).toLongLong())] = t;
            }
            if (out.error.isEmpty() && q.exec(QStringLiteral("SELECT COUNT(*) FROM matches")) &&
                q.next())
                out.matches = q.value(0).toInt();
            q.finish();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return out;
}
