#include "net/store/StoreMaintenance.h"

#include "net/store/Migrations.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace pulsco {

QString storeFileIn(const QString& dataDir) {
    return QDir(dataDir).filePath(u"matchd.sqlite"_s);
}

StoreConnection::StoreConnection(const QString& path, Mode mode)
    : StoreConnection(StoreAddress::sqlite(path), mode) {}

StoreConnection::StoreConnection(const StoreAddress& address, Mode mode) {
    static QAtomicInteger<quint64> counter;
    m_name = u"pulsco-maintenance-%1"_s.arg(counter.fetchAndAddRelaxed(1));
    m_db = addStoreConnection(address, m_name);
    if (mode == Mode::ReadOnly && address.dialect == SqlDialect::Sqlite)
        m_db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
    if (!m_db.open()) {
        m_error = address.display() + u": cannot open: "_s + m_db.lastError().text();
        return;
    }
    QSqlQuery q(m_db);
    if (address.dialect == SqlDialect::Postgresql) {
        q.exec(u"SET client_min_messages = warning"_s);
        return;
    }
    // A running server may hold the write lock for a commit: wait, as the
    // server's own connections do.
    q.exec(u"PRAGMA busy_timeout=5000"_s);
}

StoreConnection::~StoreConnection() {
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
}

namespace {

qint64 countRows(QSqlDatabase& db, const QString& sql, QString* error) {
    QSqlQuery q(db);
    if (!q.exec(sql) || !q.next()) {
        *error = sql + u": "_s + q.lastError().text();
        return -1;
    }
    return q.value(0).toLongLong();
}

// The default of `table.column` as SQL text, "" when it has none.
QString columnDefault(QSqlDatabase& db, const QString& table, const QString& column) {
    QSqlQuery q(db);
    if (dialectOf(db) == SqlDialect::Postgresql) {
        q.prepare(u"SELECT column_default FROM information_schema.columns WHERE table_schema = "
                  "current_schema() AND table_name = ? AND column_name = ?"_s);
        q.addBindValue(table);
        q.addBindValue(column);
        return q.exec() && q.next() ? q.value(0).toString() : QString();
    }
    if (!q.exec(u"PRAGMA table_info("_s + table + u')'))
        return {};
    while (q.next())
        if (q.value(1).toString() == column)
            return q.value(4).toString();
    return {};
}

// What running `statement` would destroy now, or "" when nothing: a dropped
// table's rows, or a dropped column's values that differ from its default.
QString dataLossOf(QSqlDatabase& db, const QString& statement, QString* error) {
    static const QRegularExpression dropTable(
        u"^\\s*DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(\\w+)"_s,
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression dropColumn(
        u"^\\s*ALTER\\s+TABLE\\s+(\\w+)\\s+DROP\\s+(?:COLUMN\\s+)?(\\w+)"_s,
        QRegularExpression::CaseInsensitiveOption);
    if (const auto m = dropTable.match(statement); m.hasMatch()) {
        const qint64 rows = countRows(db, u"SELECT COUNT(*) FROM "_s + m.captured(1), error);
        if (rows < 0)
            return {};
        return rows > 0 ? u"table %1 (%2 row%3)"_s.arg(m.captured(1))
                              .arg(rows)
                              .arg(rows == 1 ? u""_s : u"s"_s)
                        : QString();
    }
    if (const auto m = dropColumn.match(statement); m.hasMatch()) {
        const QString table = m.captured(1);
        const QString column = m.captured(2);
        const QString fallback = columnDefault(db, table, column);
        const QString lost = fallback.isEmpty()
                                 ? QString(column + u" IS NOT NULL"_s)
                                 : QString(column + u" IS DISTINCT FROM "_s + fallback);
        const qint64 rows =
            countRows(db, u"SELECT COUNT(*) FROM "_s + table + u" WHERE "_s + lost, error);
        if (rows < 0)
            return {};
        return rows > 0 ? u"column %1.%2 (%3 row%4 with a value)"_s.arg(table, column)
                              .arg(rows)
                              .arg(rows == 1 ? u""_s : u"s"_s)
                        : QString();
    }
    return {};
}

}  // namespace

std::optional<std::vector<MigrationStep>> planMigration(QSqlDatabase& db, int target,
                                                        QString* error) {
    const int latest = latestSchemaVersion();
    if (target < 0 || target > latest) {
        *error = u"--to: must be a schema version from 0 to %1 (got %2)"_s.arg(latest).arg(target);
        return std::nullopt;
    }
    const int current = schemaVersion(db, error);
    if (current < 0)
        return std::nullopt;
    if (current > latest) {
        *error = u"the store is at schema %1, newer than this pulsco-matchd knows (%2): use the "
                 "pulsco-matchd that wrote it"_s.arg(current)
                     .arg(latest);
        return std::nullopt;
    }
    std::vector<MigrationStep> steps;
    // The statements as they will run on this store (PostgreSQL's types).
    const auto& migrations = schemaMigrations(dialectOf(db));
    for (int v = current + 1; v <= target; ++v) {
        const SchemaMigration& m = migrations[std::size_t(v - 1)];
        steps.push_back({m.version, m.name, true, m.up, {}});
    }
    for (int v = current; v > target; --v) {
        const SchemaMigration& m = migrations[std::size_t(v - 1)];
        MigrationStep step{m.version, m.name, false, m.down, {}};
        for (const QString& statement : m.down) {
            QString why;
            const QString lost = dataLossOf(db, statement, &why);
            if (!why.isEmpty()) {
                *error = u"migration %1 down: cannot tell what it drops: "_s.arg(m.version) + why;
                return std::nullopt;
            }
            if (!lost.isEmpty())
                step.dataLoss << lost;
        }
        steps.push_back(std::move(step));
    }
    return steps;
}

bool hasNoTables(QSqlDatabase& db) {
    return db.tables(QSql::Tables).isEmpty();
}

std::optional<StoreCounts> readStoreCounts(QSqlDatabase& db, QString* error) {
    StoreCounts c;
    c.schemaVersion = schemaVersion(db, error);
    if (c.schemaVersion < 0)
        return std::nullopt;
    if (c.schemaVersion >= 1) {
        QSqlQuery q(db);
        if (!q.exec(u"SELECT state, COUNT(*) FROM tickets GROUP BY state ORDER BY state"_s)) {
            *error = u"counting tickets: "_s + q.lastError().text();
            return std::nullopt;
        }
        while (q.next()) {
            c.ticketsByState[q.value(0).toString()] = q.value(1).toLongLong();
            c.tickets += q.value(1).toLongLong();
        }
        if ((c.matches = countRows(db, u"SELECT COUNT(*) FROM matches"_s, error)) < 0 ||
            (c.ratings = countRows(db, u"SELECT COUNT(*) FROM ratings"_s, error)) < 0)
            return std::nullopt;
    }
    if (c.schemaVersion >= 3 &&
        (c.upIntervals = countRows(db, u"SELECT COUNT(*) FROM up_intervals"_s, error)) < 0)
        return std::nullopt;
    return c;
}

QString describeCounts(const StoreCounts& c) {
    QStringList states;
    for (const auto& [state, n] : c.ticketsByState)
        states << u"%1 %2"_s.arg(state).arg(n);
    QString out = u"schema %1; tickets %2"_s.arg(c.schemaVersion).arg(c.tickets);
    if (!states.isEmpty())
        out += u" ("_s + states.join(u", "_s) + u')';
    out += u"; matches %1; ratings %2"_s.arg(c.matches).arg(c.ratings);
    if (c.schemaVersion >= 3)
        out += u"; up intervals %1"_s.arg(c.upIntervals);
    return out;
}

QString createDatabase(QSqlDatabase& db, const QString& name) {
    QSqlQuery q(db);
    return q.exec(u"CREATE DATABASE "_s + name) ? QString() : q.lastError().text();
}

QString dropDatabase(QSqlDatabase& db, const QString& name) {
    QSqlQuery q(db);
    return q.exec(u"DROP DATABASE IF EXISTS "_s + name + u" WITH (FORCE)"_s) ? QString()
                                                                             : q.lastError().text();
}

void installAmcheckIfAllowed(QSqlDatabase& db) {
    QSqlQuery(db).exec(u"CREATE EXTENSION IF NOT EXISTS amcheck"_s);
}

bool copyStoreConsistently(const QString& sourcePath, const QString& targetPath, QString* error) {
    if (!QFileInfo(sourcePath).isFile()) {
        *error = sourcePath + u": no such store"_s;
        return false;
    }
    if (QFileInfo::exists(targetPath)) {
        *error = targetPath + u": exists (a backup never overwrites a file)"_s;
        return false;
    }
    // Read-write, not read-only: a read-only connection cannot recover the
    // WAL index of a store no server has open. Only reads are issued.
    StoreConnection source(sourcePath, StoreConnection::Mode::ReadWrite);
    if (!source.isOpen()) {
        *error = source.error();
        return false;
    }
    QSqlQuery q(source.db());
    q.prepare(u"VACUUM INTO ?"_s);
    q.addBindValue(targetPath);
    if (!q.exec()) {
        *error = sourcePath + u": VACUUM INTO "_s + targetPath + u": "_s + q.lastError().text();
        QFile::remove(targetPath);
        return false;
    }
    return true;
}

}  // namespace pulsco
