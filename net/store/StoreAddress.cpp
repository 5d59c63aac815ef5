#include "net/store/StoreAddress.h"

#include "net/store/StoreFailure.h"

#include <QRegularExpression>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace pulsco {

bool StoreAddress::isUrl(const QString& text) {
    return text.startsWith(u"postgresql://"_s, Qt::CaseInsensitive) ||
           text.startsWith(u"postgres://"_s, Qt::CaseInsensitive);
}

QString StoreAddress::masked(const QString& text) {
    // user:password@ -> user:***@, whatever the password holds (':' too);
    // the last '@' ends the user part, as in libpq.
    const qsizetype scheme = text.indexOf(u"://"_s);
    const qsizetype at = text.lastIndexOf(u'@');
    if (at < 0 || at < scheme)
        return text;
    const qsizetype userFrom = scheme < 0 ? 0 : scheme + 3;
    const qsizetype colon = text.indexOf(u':', userFrom);
    if (colon < 0 || colon > at)
        return text;
    return text.left(colon + 1) + u"***"_s + text.mid(at);
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
        *error = u"--store: "_s + why + u" (got '"_s + masked(text) + u"')"_s;
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
    // Keepalives and tcp_user_timeout: a network that goes silent (no reset)
    // fails a commit after about 10 s instead of Linux's 15 minutes of TCP
    // retries, so requests get 503 and /readyz says not ready.
    db.setConnectOptions(u"connect_timeout=5;application_name=pulsco-matchd;keepalives=1;"
                         "keepalives_idle=5;keepalives_interval=2;keepalives_count=3;"
                         "tcp_user_timeout=10000"_s);
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
