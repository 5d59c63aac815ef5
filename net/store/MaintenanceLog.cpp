#include "net/store/MaintenanceLog.h"

#include "net/store/StoreAddress.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// Asked of the database, so a lost connection is an error, not "no log".
std::optional<bool> tableExists(QSqlDatabase& db, QString* error) {
    QSqlQuery q(db);
    const bool ok =
        q.exec(dialectOf(db) == SqlDialect::Sqlite
                   ? u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                     "name = 'maintenance_log'"_s
                   : u"SELECT COUNT(*) FROM information_schema.tables WHERE "
                     "table_schema = current_schema() AND table_name = 'maintenance_log'"_s) &&
        q.next();
    if (!ok) {
        *error = u"reading the maintenance log: "_s + q.lastError().text();
        return std::nullopt;
    }
    return q.value(0).toInt() > 0;
}

// The figures a round trip compares: the rows of every table the lower
// schema keeps (the keys of its counts), and none other.
const QStringList kCountKeys = {u"tickets"_s, u"matches"_s, u"ratings"_s, u"up_intervals"_s};

QString utcText(qint64 ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(u"yyyy-MM-dd HH:mm 'UTC'"_s);
}

QString countsText(const QJsonObject& counts) {
    QStringList parts;
    for (const QString& key : kCountKeys)
        if (counts.contains(key))
            parts << u"%1 %2"_s.arg(QString(key).replace(u'_', u' '))
                         .arg(counts.value(key).toInteger());
    return parts.join(u", "_s);
}

QString checkText(const QJsonObject& detail) {
    const QString check = detail.value(u"store_check"_s).toString();
    return u"store check "_s + (check.isEmpty() ? u"not run"_s : check);
}

MaintenanceRecord record(const QString& kind, const MaintenanceRun& run, bool ok,
                         const QString& command, const QString& figures) {
    return {kind.toStdString(), double(run.atMs), command.toStdString(), ok, figures.toStdString()};
}

// A migrate run down, and the next migrate run back up to where it began.
MaintenanceRecord judgeRoundTrip(const MaintenanceRun& down, const MaintenanceRun& up) {
    const QJsonObject before = down.detail.value(u"before"_s).toObject();
    const QJsonObject bottom = down.detail.value(u"after"_s).toObject();
    const QJsonObject after = up.detail.value(u"after"_s).toObject();
    QStringList problems, dropped;
    for (const QString& key : kCountKeys) {
        const QString name = QString(key).replace(u'_', u' ');
        if (!before.contains(key))
            continue;
        if (!bottom.contains(key)) {
            const qint64 rows = before.value(key).toInteger();
            dropped << u"%1 (%2 row%3)"_s.arg(name).arg(rows).arg(rows == 1 ? u""_s : u"s"_s);
            continue;
        }
        const qint64 a = before.value(key).toInteger(), b = bottom.value(key).toInteger(),
                     c = after.value(key).toInteger(-1);
        if (a != b || b != c)
            problems << u"%1 %2 -> %3 -> %4"_s.arg(name).arg(a).arg(b).arg(c);
    }
    if (before.isEmpty() || bottom.isEmpty() ||
        std::none_of(kCountKeys.begin(), kCountKeys.end(),
                     [&](const QString& key) { return bottom.contains(key); }))
        problems << u"schema %1 keeps no table to compare"_s.arg(
            down.detail.value(u"to"_s).toInt());
    // PostgreSQL without amcheck has no check of its own ("none (why)"):
    // the rows are the evidence there; a check that ran must say ok.
    const QString check = up.detail.value(u"store_check"_s).toString();
    if (check != u"ok"_s && !check.startsWith(u"none"_s))
        problems << checkText(up.detail);
    QString figures = u"schema %1 -> %2 -> %3; "_s.arg(down.detail.value(u"from"_s).toInt())
                          .arg(down.detail.value(u"to"_s).toInt())
                          .arg(up.detail.value(u"to"_s).toInt());
    if (problems.isEmpty())
        figures += countsText(bottom) + u" kept; "_s + checkText(up.detail);
    else
        figures += u"not kept: "_s + problems.join(u"; "_s);
    if (!dropped.isEmpty())
        figures += u"; dropped going down: "_s + dropped.join(u", "_s);
    return record(u"migration_round_trip"_s, up, problems.isEmpty(),
                  down.command + u" && "_s + up.command, figures);
}

MaintenanceRecord judgeVerify(const MaintenanceRun& verify,
                              const std::map<QString, const MaintenanceRun*>& backups) {
    const QString sha = verify.detail.value(u"sha256"_s).toString();
    const auto it = sha.isEmpty() ? backups.end() : backups.find(sha);
    const QString path = verify.detail.value(u"path"_s).toString();
    QString figures;
    bool ok = verify.ok && it != backups.end();
    if (it == backups.end()) {
        figures = path + u": no backup run of this store wrote a file with this SHA-256"_s;
    } else {
        const MaintenanceRun& backup = *it->second;
        figures = u"backup %1 (%2 bytes, taken %3)"_s.arg(backup.detail.value(u"path"_s).toString())
                      .arg(backup.detail.value(u"bytes"_s).toInteger())
                      .arg(utcText(backup.atMs));
    }
    if (verify.ok) {
        figures += u"; sound: "_s + countsText(verify.detail.value(u"counts"_s).toObject()) +
                   u"; "_s + checkText(verify.detail) + u"; a server starts on it"_s;
    } else {
        QStringList problems;
        for (const QJsonValue& p : verify.detail.value(u"problems"_s).toArray())
            problems << p.toString();
        figures += u"; NOT sound: "_s + problems.join(u"; "_s);
    }
    return record(u"verified_backup"_s, verify, ok, verify.command, figures);
}

MaintenanceRecord judgeRestore(const MaintenanceRun& restore) {
    QString figures = u"restored %1: "_s.arg(restore.detail.value(u"path"_s).toString()) +
                      countsText(restore.detail.value(u"counts"_s).toObject()) + u"; "_s +
                      checkText(restore.detail);
    const bool started = restore.detail.value(u"started"_s).toBool();
    figures += started ? u"; a server started on it"_s : u"; a server could not start on it"_s;
    const QString check = restore.detail.value(u"store_check"_s).toString();
    // PostgreSQL without amcheck has no store check ("none (...)"): the
    // restore still counts on a clean start and the audit's cross-checks
    // (the restore refused otherwise); SQLite's quick_check must say ok.
    const bool checkOk = check == u"ok"_s || check.startsWith(u"none"_s);
    return record(u"restore_drill"_s, restore, restore.ok && started && checkOk, restore.command,
                  figures);
}

}  // namespace

bool appendMaintenanceRun(QSqlDatabase& db, MaintenanceRun run, QString* error) {
    QSqlQuery q(db);
    const QString ddl = translateDdl(
        u"CREATE TABLE IF NOT EXISTS maintenance_log (seq INTEGER NOT NULL PRIMARY KEY, "
        "at_ms INTEGER NOT NULL, kind TEXT NOT NULL, command TEXT NOT NULL, "
        "ok INTEGER NOT NULL, detail TEXT NOT NULL)"_s,
        dialectOf(db));
    if (!q.exec(ddl)) {
        *error = u"creating the maintenance log: "_s + q.lastError().text();
        return false;
    }
    if (run.atMs == 0)
        run.atMs = QDateTime::currentMSecsSinceEpoch();
    // Typed casts: PostgreSQL cannot infer a parameter's type in a SELECT list.
    q.prepare(u"INSERT INTO maintenance_log (seq, at_ms, kind, command, ok, detail) "
              "SELECT COALESCE(MAX(seq), 0) + 1, CAST(? AS BIGINT), CAST(? AS TEXT), "
              "CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS TEXT) FROM maintenance_log"_s);
    q.addBindValue(run.atMs);
    q.addBindValue(run.kind);
    q.addBindValue(run.command);
    q.addBindValue(run.ok ? 1 : 0);
    q.addBindValue(QString::fromUtf8(QJsonDocument(run.detail).toJson(QJsonDocument::Compact)));
    if (!q.exec()) {
        *error = u"writing the maintenance log: "_s + q.lastError().text();
        return false;
    }
    return true;
}

std::optional<std::vector<MaintenanceRun>> readMaintenanceRuns(QSqlDatabase& db, QString* error) {
    std::vector<MaintenanceRun> runs;
    const std::optional<bool> exists = tableExists(db, error);
    if (!exists)
        return std::nullopt;
    if (!*exists)
        return runs;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(u"SELECT seq, at_ms, kind, command, ok, detail FROM maintenance_log "
                "ORDER BY seq"_s)) {
        *error = u"reading the maintenance log: "_s + q.lastError().text();
        return std::nullopt;
    }
    while (q.next()) {
        MaintenanceRun run;
        run.seq = q.value(0).toLongLong();
        run.atMs = q.value(1).toLongLong();
        run.kind = q.value(2).toString();
        run.command = q.value(3).toString();
        run.ok = q.value(4).toInt() != 0;
        QJsonParseError parseError;
        const QJsonDocument doc =
            QJsonDocument::fromJson(q.value(5).toString().toUtf8(), &parseError);
        if (!doc.isObject()) {
            *error = u"maintenance log row %1: detail: not a JSON object (%2)"_s.arg(run.seq).arg(
                parseError.errorString());
            return std::nullopt;
        }
        run.detail = doc.object();
        runs.push_back(std::move(run));
    }
    if (q.lastError().isValid()) {
        *error = u"reading the maintenance log: "_s + q.lastError().text();
        return std::nullopt;
    }
    return runs;
}

StoreMaintenanceReport summarizeMaintenance(const std::vector<MaintenanceRun>& runs,
                                            std::size_t keep) {
    StoreMaintenanceReport report;
    std::vector<MaintenanceRecord> judged;
    std::map<QString, const MaintenanceRun*> backups;  // by SHA-256
    std::map<QString, bool> verified;                  // SHA-256s found sound
    const MaintenanceRun* down = nullptr;              // the last migrate, when it went down
    for (const MaintenanceRun& run : runs) {
        if (run.kind == u"migrate"_s) {
            const int from = run.detail.value(u"from"_s).toInt(-1);
            const int to = run.detail.value(u"to"_s).toInt(-1);
            if (run.ok && down && to > from && from == down->detail.value(u"to"_s).toInt() &&
                to == down->detail.value(u"from"_s).toInt()) {
                judged.push_back(judgeRoundTrip(*down, run));
                report.migrationRoundTrips += judged.back().ok ? 1 : 0;
            }
            down = run.ok && to < from ? &run : nullptr;
        } else if (run.kind == u"backup"_s) {
            const QString sha = run.detail.value(u"sha256"_s).toString();
            if (run.ok && !sha.isEmpty())
                backups[sha] = &run;
        } else if (run.kind == u"verify"_s) {
            judged.push_back(judgeVerify(run, backups));
            if (judged.back().ok)
                verified[run.detail.value(u"sha256"_s).toString()] = true;
        } else if (run.kind == u"restore"_s) {
            judged.push_back(judgeRestore(run));
            report.restoreDrills += judged.back().ok ? 1 : 0;
        }
    }
    report.verifiedBackups = verified.size();  // a backup verified twice is one backup
    const std::size_t from = judged.size() > keep ? judged.size() - keep : 0;
    report.latest.assign(judged.begin() + std::ptrdiff_t(from), judged.end());
    return report;
}

QJsonObject countsToJson(const StoreCounts& counts) {
    QJsonObject o;
    o[u"schema"_s] = counts.schemaVersion;
    if (counts.schemaVersion >= 1) {
        o[u"tickets"_s] = counts.tickets;
        o[u"matches"_s] = counts.matches;
        o[u"ratings"_s] = counts.ratings;
    }
    if (counts.schemaVersion >= 3)
        o[u"up_intervals"_s] = counts.upIntervals;
    return o;
}

QString sha256OfFile(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = path + u": "_s + file.errorString();
        return {};
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file)) {
        *error = path + u": cannot read it to the end"_s;
        return {};
    }
    return QString::fromLatin1(hash.result().toHex());
}

}  // namespace pulsco
