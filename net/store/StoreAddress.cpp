#include "net/store/StoreAddress.h"

#include "net/store/StoreFailure.h"

#include <QRegularExpression>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace pulsco {

bool StoreAddress::isUrl(const QString& text) {
    return text.startsWith(u"postgresql://"_s) || text.startsWith(u"postgres://"_s);
}

QString StoreAddress::display() const {
    if (dialect == SqlDialect::Sqlite)
        return path;
    return u"postgresql://"_s + (user.isEmpty() ? QString() : user + u'@') + host + u':' +
           QString::number(port) + u'/' + database;
}

std::optional<StoreAddress> StoreAddress::parse(const QString& text, QString* error) {
    StoreAddress a;
    if (!isUrl(text)) {
        a.path = text;
        return a;
    }
    const auto fail = [&](const QString& why) -> std::optional<StoreAddress> {
        if (!error)
            return std::nullopt;
        *error = u"--store: "_s + why + u" (got '"_s +
                 QString(text).replace(QRegularExpression(u":[^:@/]*@"_s), u":***@"_s) + u"')"_s;
        return std::nullopt;
    };
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return fail(u"not a valid URL: "_s + url.errorString());
    a.dialect = SqlDialect::Postgresql;
    if (!url.host().isEmpty())
        a.host = url.host();
    if (url.port() == 0)
        return fail(u"the port must be from 1 to 65535"_s);
    a.port = url.port(5432);
    a.user = url.userName();
    a.password = url.password();
    a.database = url.path().mid(1);
    if (a.database.isEmpty() || a.database.contains(u'/'))
        return fail(u"must name one database: postgresql://user@host:port/database"_s);
    if (url.hasQuery() || url.hasFragment())
        return fail(u"query parameters are not supported; put settings in the server's "
                    "configuration or the environment (PGPASSWORD, PGSSLMODE)"_s);
    return a;
}

QSqlDatabase addStoreConnection(const StoreAddress& address, const QString& connectionName) {
    if (address.dialect == SqlDialect::Sqlite) {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connectionName);
        db.setDatabaseName(address.path);
        return db;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, connectionName);
    db.setHostName(address.host);
    db.setPort(address.port);
    db.setDatabaseName(address.database);
    if (!address.user.isEmpty())
        db.setUserName(address.user);
    if (!address.password.isEmpty())
        db.setPassword(address.password);
    // A server that does not answer must not hold the store thread for
    // libpq's default of forever: the batch fails (503) and the next one
    // tries again.
    db.setConnectOptions(u"connect_timeout=5;application_name=pulsco-matchd"_s);
    return db;
}

SqlDialect dialectOf(const QSqlDatabase& db) {
    return db.driverName() == u"QPSQL"_s ? SqlDialect::Postgresql : SqlDialect::Sqlite;
}

QString translateDdl(const QString& statement, SqlDialect dialect) {
    if (dialect == SqlDialect::Sqlite)
        return statement;
    static const QRegularExpression integer(u"\\bINTEGER\\b"_s);
    static const QRegularExpression real(u"\\bREAL\\b"_s);
    QString out = statement;
    out.replace(integer, u"BIGINT"_s);
    out.replace(real, u"DOUBLE PRECISION"_s);
    return out;
}

bool isRequestSpecificError(const QSqlError& error, SqlDialect dialect) {
    if (dialect == SqlDialect::Sqlite)
        return storefailure::isRequestSpecific(error);
    const QString state = error.nativeErrorCode();
    return state.startsWith(u"22"_s) || state.startsWith(u"23"_s);
}

}  // namespace pulsco
