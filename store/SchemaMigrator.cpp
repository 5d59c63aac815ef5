#include "store/SchemaMigrator.h"

#include "store/SqlScript.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

#include <map>

using namespace Qt::StringLiterals;

namespace pulsco {

std::optional<std::vector<SchemaMigration>> loadMigrationDirectory(const QString& directory,
                                                                   QString* error) {
    static const QRegularExpression pattern(u"^(\\d{3})_([a-z0-9_]+)\\.(up|down)\\.sql$"_s);
    const QDir dir(directory);
    if (!dir.exists()) {
        *error = directory + u": no such migration directory"_s;
        return std::nullopt;
    }
    std::map<int, SchemaMigration> byVersion;
    std::map<int, int> halves;  // bit 1 = up, bit 2 = down
    const QStringList files = dir.entryList(QDir::Files, QDir::Name);
    for (const QString& file : files) {
        const auto m = pattern.match(file);
        const QString where = directory + u'/' + file;
        if (!m.hasMatch()) {
            *error = where + u": must be named NNN_name.up.sql or NNN_name.down.sql"_s;
            return std::nullopt;
        }
        const int version = m.captured(1).toInt();
        QFile f(dir.filePath(file));
        if (!f.open(QIODevice::ReadOnly)) {
            *error = where + u": "_s + f.errorString();
            return std::nullopt;
        }
        SchemaMigration& migration = byVersion[version];
        if (!migration.name.isEmpty() && migration.name != m.captured(2)) {
            *error =
                where + u": version %1 is also named \"%2\""_s.arg(version).arg(migration.name);
            return std::nullopt;
        }
        migration.version = version;
        migration.name = m.captured(2);
        const QStringList statements = splitSqlScript(QString::fromUtf8(f.readAll()));
        const bool up = m.captured(3) == u"up";
        if (statements.isEmpty()) {
            *error = where + u": no SQL statement"_s;
            return std::nullopt;
        }
        (up ? migration.up : migration.down) = statements;
        halves[version] |= up ? 1 : 2;
    }
    std::vector<SchemaMigration> out;
    int expected = 1;
    for (auto& [version, migration] : byVersion) {
        const QString base =
            directory + u"/%1_%2"_s.arg(version, 3, 10, QChar(u'0')).arg(migration.name);
        if (version != expected) {
            *error = base + u": versions must run 1, 2, 3... (expected %1)"_s.arg(expected);
            return std::nullopt;
        }
        if (halves[version] != 3) {
            *error =
                base + (halves[version] == 1 ? u".down.sql: missing (every up needs its down)"_s
                                             : u".up.sql: missing"_s);
            return std::nullopt;
        }
        out.push_back(std::move(migration));
        ++expected;
    }
    if (out.empty()) {
        *error = directory + u": no migrations"_s;
        return std::nullopt;
    }
    return out;
}

SchemaMigrator::SchemaMigrator(std::vector<SchemaMigration> migrations)
    : m_migrations(std::move(migrations)) {}

int SchemaMigrator::latestVersion() const {
    return m_migrations.empty() ? 0 : m_migrations.back().version;
}

int SchemaMigrator::version(QSqlDatabase& db, QString* error) {
    QSqlQuery q(db);
    // pulsco-matchd's store also runs on PostgreSQL, which has no
    // sqlite_master: there the standard catalogue answers.
    const QString hasTable =
        db.driverName() == u"QPSQL"_s
            ? u"SELECT table_name FROM information_schema.tables WHERE table_schema = "
              "current_schema() AND table_name = 'schema_version'"_s
            : u"SELECT name FROM sqlite_master WHERE type='table' AND name='schema_version'"_s;
    if (!q.exec(hasTable)) {
        *error = db.databaseName() + u": "_s + q.lastError().text();
        return -1;
    }
    if (!q.next())
        return 0;
    if (!q.exec(u"SELECT version FROM schema_version"_s) || !q.next()) {
        *error = db.databaseName() + u": schema_version: cannot be read"_s;
        return -1;
    }
    return q.value(0).toInt();
}

namespace {

bool runStep(QSqlDatabase& db, const QStringList& statements, int newVersion, const QString& what,
             QString* error) {
    const auto fail = [&](const QString& why) {
        *error = db.databaseName() + u": "_s + what + u": "_s + why;
        return false;
    };
    if (!db.transaction())
        return fail(db.lastError().text());
    bool ok = true;
    {
        QSqlQuery q(db);
        QStringList all = statements;
        all << u"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"_s
            << u"DELETE FROM schema_version"_s
            << u"INSERT INTO schema_version (version) VALUES (%1)"_s.arg(newVersion);
        for (const QString& sql : all) {
            if (!q.exec(sql)) {
                fail(q.lastError().text());
                ok = false;
                break;
            }
        }
    }
    if (!ok) {
        db.rollback();
        return false;
    }
    if (!db.commit()) {
        const QString why = db.lastError().text();
        db.rollback();
        return fail(why);
    }
    return true;
}

}  // namespace

bool SchemaMigrator::migrate(QSqlDatabase& db, int target, QString* error) const {
    int current = version(db, error);
    if (current < 0)
        return false;
    if (current > latestVersion()) {
        *error =
            db.databaseName() +
            u": schema_version: %1 is newer than this program knows (%2); use a newer program"_s
                .arg(current)
                .arg(latestVersion());
        return false;
    }
    if (target < 0 || target > latestVersion()) {
        *error = u"migration target: must be from 0 to %1"_s.arg(latestVersion());
        return false;
    }
    while (current < target) {
        const SchemaMigration& m = m_migrations[std::size_t(current)];
        if (!runStep(db, m.up, m.version, u"migration %1 up"_s.arg(m.version), error))
            return false;
        current = m.version;
    }
    while (current > target) {
        const SchemaMigration& m = m_migrations[std::size_t(current - 1)];
        if (!runStep(db, m.down, m.version - 1, u"migration %1 down"_s.arg(m.version), error))
            return false;
        current = m.version - 1;
    }
    return true;
}

}  // namespace pulsco
