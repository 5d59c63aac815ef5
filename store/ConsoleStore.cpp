#include "store/ConsoleStore.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

QString nextConnectionName() {
    static QAtomicInteger<int> counter;
    return u"pulsco-console-store-%1"_s.arg(counter.fetchAndAddRelaxed(1));
}

}  // namespace

QString ConsoleStore::defaultPath() {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return QDir(dir).filePath(QString::fromLatin1(kFileName));
}

const SchemaMigrator& ConsoleStore::migrator() {
    static const SchemaMigrator instance = [] {
        QString error;
        auto list = loadMigrationDirectory(QString::fromLatin1(kMigrationDirectory), &error);
        if (!list)
            qFatal("embedded migrations are broken: %s", qPrintable(error));
        return SchemaMigrator(std::move(*list));
    }();
    return instance;
}

ConsoleStore::ConsoleStore(QString path, QString connection)
    : m_path(std::move(path))
    , m_connection(std::move(connection))
    , m_lock(m_path + u".lock"_s) {
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connection);
    m_db.setDatabaseName(m_path);
    // Never stale by age (a console runs for days); a lock whose process is
    // gone is taken over.
    m_lock.setStaleLockTime(0);
}

qint64 ConsoleStore::otherConsolePid() const {
    qint64 pid = 0;
    QString host, app;
    return m_lock.getLockInfo(&pid, &host, &app) ? pid : 0;
}

ConsoleStore::~ConsoleStore() {
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connection);
}

std::unique_ptr<ConsoleStore> ConsoleStore::openUnmigrated(const QString& path, QString* error) {
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath())) {
        *error = path + u": cannot create the directory"_s;
        return nullptr;
    }
    std::unique_ptr<ConsoleStore> store(new ConsoleStore(path, nextConnectionName()));
    store->m_lock.tryLock(0);  // held until the store closes; see sharedWithAnotherConsole()
    store->m_db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    if (!store->m_db.open()) {
        *error = path + u": "_s + store->m_db.lastError().text();
        return nullptr;
    }
    QSqlQuery q(store->m_db);
    // WAL: readers never block the writer; FULL: a commit is on disk when it returns.
    for (const QString& pragma : {u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=FULL"_s,
                                  u"PRAGMA foreign_keys=ON"_s}) {
        if (!q.exec(pragma)) {
            *error = path + u": "_s + pragma + u": "_s + q.lastError().text();
            return nullptr;
        }
    }
    return store;
}

std::unique_ptr<ConsoleStore> ConsoleStore::open(const QString& path, QString* error) {
    auto store = openUnmigrated(path, error);
    if (store && !migrator().migrateToLatest(store->m_db, error))
        return nullptr;
    return store;
}

int ConsoleStore::schemaVersion() {
    QString error;
    return SchemaMigrator::version(m_db, &error);
}

QString ConsoleStore::integrityCheck() {
    QSqlQuery q(m_db);
    if (!q.exec(u"PRAGMA integrity_check"_s))
        return q.lastError().text();
    QStringList findings;
    while (q.next())
        findings << q.value(0).toString();
    return findings.join(u"; "_s);
}

}  // namespace pulsco
