#include "net/server/StoreCommands.h"

#include "net/server/IntegrityCheck.h"
#include "net/store/AuditRows.h"
#include "net/store/GroupCommitStore.h"
#include "net/store/MaintenanceLog.h"
#include "net/store/Migrations.h"
#include "net/store/StoreMaintenance.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>

#include <map>
#include <optional>

#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// A command's arguments: flags with a value, switches, positionals. Every
// word is accounted for; anything unknown is an error naming it.
struct CommandArgs {
    std::map<QString, QString> values;
    QStringList switches;
    QStringList positional;
};

std::optional<CommandArgs> parseArgs(const QString& command, const QStringList& args,
                                     const QStringList& valueFlags, const QStringList& switchFlags,
                                     QString* error) {
    CommandArgs out;
    for (qsizetype i = 0; i < args.size(); ++i) {
        QString word = args[i];
        if (!word.startsWith(u"--"_s)) {
            out.positional << word;
            continue;
        }
        QString value;
        bool inlineValue = false;
        if (const qsizetype eq = word.indexOf(u'='); eq > 0) {
            value = word.mid(eq + 1);
            word = word.left(eq);
            inlineValue = true;
        }
        if (switchFlags.contains(word) && !inlineValue) {
            out.switches << word;
        } else if (valueFlags.contains(word)) {
            if (!inlineValue) {
                if (i + 1 >= args.size()) {
                    *error = command + u": "_s + word + u": needs a value"_s;
                    return std::nullopt;
                }
                value = args[++i];
            }
            if (value.isEmpty()) {
                *error = command + u": "_s + word + u": must not be empty"_s;
                return std::nullopt;
            }
            if (out.values.count(word)) {
                *error = command + u": "_s + word + u": given twice"_s;
                return std::nullopt;
            }
            out.values[word] = value;
        } else {
            *error = command + u": "_s + word + u": unknown flag (see pulsco-matchd --help)"_s;
            return std::nullopt;
        }
    }
    return out;
}

QString need(const CommandArgs& a, const QString& command, const QString& flag, QString* error) {
    const auto it = a.values.find(flag);
    if (it == a.values.end()) {
        if (error->isEmpty())
            *error = command + u": "_s + flag + u" is required"_s;
        return {};
    }
    return it->second;
}

// --data-dir DIR or --store URL, exactly one: the store a command works on.
std::optional<StoreAddress> storeOf(const CommandArgs& a, const QString& command, QString* error) {
    const bool dir = a.values.count(u"--data-dir"_s) > 0;
    const bool url = a.values.count(u"--store"_s) > 0;
    if (dir == url) {
        if (error->isEmpty())
            *error = command + (dir ? u": give --data-dir DIR or --store URL, not both"_s
                                    : u": --data-dir is required (or --store URL)"_s);
        return std::nullopt;
    }
    if (dir)
        return StoreAddress::sqlite(storeFileIn(a.values.at(u"--data-dir"_s)));
    const QString text = a.values.at(u"--store"_s);
    if (!StoreAddress::isUrl(text)) {
        *error = command +
                 u": --store: must be a postgresql://user@host:port/database URL (got '"_s +
                 StoreAddress::masked(text) + u"')"_s;
        return std::nullopt;
    }
    QString why;
    const auto address = StoreAddress::parse(text, &why);
    if (!address)
        *error = command + u": "_s + why;
    return address;
}

// PostgreSQL's own client tools (pg_dump, pg_restore): on PATH, or where
// Debian's postgresql-client-15 puts them.
QString postgresTool(const QString& name) {
    QString found = QStandardPaths::findExecutable(name);
    if (found.isEmpty())
        found = QStandardPaths::findExecutable(name, {u"/usr/lib/postgresql/15/bin"_s});
    return found;
}

// Runs a PostgreSQL client tool against `address` (the password, if the URL
// has one, through PGPASSWORD, never on the command line). "" or why not.
QString runPostgresTool(const QString& name, QStringList args, const StoreAddress& address,
                        QByteArray* output = nullptr) {
    const QString program = postgresTool(name);
    if (program.isEmpty())
        return name + u": not found (install the Debian package postgresql-client-15)"_s;
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!address.password.isEmpty())
        env.insert(u"PGPASSWORD"_s, address.password);
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(output ? QProcess::SeparateChannels : QProcess::MergedChannels);
    args << u"--host"_s << address.host << u"--port"_s << QString::number(address.port);
    if (!address.user.isEmpty())
        args << u"--username"_s << address.user;
    args << u"--no-password"_s;
    p.start(program, args);
    if (!p.waitForFinished(-1) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return name + u" failed (exit code %1): "_s.arg(p.exitCode()) +
               QString::fromLocal8Bit(output ? p.readAllStandardError() : p.readAll()).trimmed();
    if (output)
        *output = p.readAllStandardOutput();
    return {};
}

QString humanBytes(qint64 bytes) {
    if (bytes < 10 * 1024)
        return u"%1 bytes"_s.arg(bytes);
    if (bytes < 10 * 1024 * 1024)
        return u"%1 KiB"_s.arg(double(bytes) / 1024, 0, 'f', 1);
    return u"%1 MiB"_s.arg(double(bytes) / (1024 * 1024), 0, 'f', 1);
}

// The file's bytes on disk, so a restored store survives a power cut.
bool syncFile(const QString& path, QString* error) {
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY);
    if (fd < 0 || ::fsync(fd) != 0) {
        *error = path + u": fsync: "_s + QString::fromLocal8Bit(strerror(errno));
        if (fd >= 0)
            ::close(fd);
        return false;
    }
    ::close(fd);
    return true;
}

// The command line as run, for the maintenance log (passwords masked).
QString commandLine(const QString& command, const QStringList& args) {
    QStringList words{u"pulsco-matchd"_s, command};
    for (const QString& word : args)
        words << (StoreAddress::isUrl(word) ? StoreAddress::masked(word) : word);
    return words.join(u' ');
}

// Appends the run to the store's maintenance log, where the server reads it
// (net/store/MaintenanceLog.h). The command's own work is done either way:
// a log that cannot be written is said, not a failure of the command.
void logRun(QSqlDatabase& db, const StoreAddress& address, MaintenanceRun run, QTextStream& err) {
    QString error;
    if (!appendMaintenanceRun(db, std::move(run), &error))
        err << "pulsco-matchd: warning: " << address.display() << ": " << error
            << " (this run will not count as evidence on the Rollout page)\n";
}

void logRun(const StoreAddress& address, MaintenanceRun run, QTextStream& err) {
    StoreConnection store(address, StoreConnection::Mode::ReadWrite);
    if (!store.isOpen()) {
        err << "pulsco-matchd: warning: " << store.error()
            << " (the maintenance log was not written: this run will not count as evidence)\n";
        return;
    }
    logRun(store.db(), address, std::move(run), err);
}

// ---- migrate -------------------------------------------------------------

int migrate(const QStringList& args, QTextStream& out, QTextStream& err) {
    QString error;
    const auto a = parseArgs(u"migrate"_s, args, {u"--data-dir"_s, u"--store"_s, u"--to"_s},
                             {u"--dry-run"_s, u"--allow-data-loss"_s}, &error);
    if (!a) {
        err << "pulsco-matchd " << error << '\n';
        return 2;
    }
    const auto address = storeOf(*a, u"migrate"_s, &error);
    const QString toText = need(*a, u"migrate"_s, u"--to"_s, &error);
    if (!error.isEmpty() || !a->positional.isEmpty()) {
        if (error.isEmpty())
            error = u"migrate: unexpected argument '"_s + a->positional.first() + u'\'';
        err << "pulsco-matchd " << error << '\n';
        return 2;
    }
    bool numeric = false;
    const int target = toText.toInt(&numeric);
    if (!numeric || target < 0 || target > latestSchemaVersion()) {
        err << "pulsco-matchd migrate: --to: must be a schema version from 0 to "
            << latestSchemaVersion() << " (got '" << toText << "')\n";
        return 2;
    }
    const bool dryRun = a->switches.contains(u"--dry-run"_s);
    const bool allowDataLoss = a->switches.contains(u"--allow-data-loss"_s);

    const QString path = address->display();
    if (address->dialect == SqlDialect::Sqlite && !QFileInfo(path).isFile()) {
        err << "pulsco-matchd migrate: " << path
            << ": no store here (pulsco-matchd creates it at its first start)\n";
        return 1;
    }
    StoreConnection store(*address, StoreConnection::Mode::ReadWrite);
    if (!store.isOpen()) {
        err << "pulsco-matchd migrate: " << store.error() << '\n';
        return 1;
    }
    const auto steps = planMigration(store.db(), target, &error);
    if (!steps) {
        err << "pulsco-matchd migrate: " << path << ": " << error << '\n';
        return error.startsWith(u"--to"_s) ? 2 : 1;
    }
    const int from = schemaVersion(store.db(), &error);
    if (steps->empty()) {
        out << path << ": already at schema " << from << "; nothing to do\n";
        return 0;
    }
    out << path << ": schema " << from << " -> " << target << ", " << steps->size()
        << (steps->size() == 1 ? " step" : " steps") << '\n';
    QStringList losses;
    for (const MigrationStep& step : *steps) {
        out << "  " << (step.up ? "up  " : "down") << ' ' << step.version << ' ' << step.name
            << '\n';
        for (const QString& statement : step.statements)
            out << "      " << statement << '\n';
        for (const QString& lost : step.dataLoss) {
            out << "      drops " << lost << '\n';
            losses << lost;
        }
    }
    if (dryRun) {
        out << "dry run: nothing changed"
            << (losses.isEmpty() ? QString()
                                 : u"; running it needs --allow-data-loss (drops "_s +
                                       losses.join(u", "_s) + u')')
            << '\n';
        return 0;
    }
    if (!losses.isEmpty() && !allowDataLoss) {
        err << "pulsco-matchd migrate: " << path << ": refused: going down to schema " << target
            << " drops " << losses.join(u", "_s) << ". Take a backup first (pulsco-matchd backup "
            << (address->dialect == SqlDialect::Sqlite ? u"--data-dir "_s + QFileInfo(path).path()
                                                       : u"--store "_s + address->display())
            << " --to PATH), then pass --allow-data-loss. Nothing changed.\n";
        return 1;
    }
    // What the store holds before and after: a round trip down and back up
    // counts only when the rows the lower schema keeps are all still there.
    MaintenanceRun run{0, 0, u"migrate"_s, commandLine(u"migrate"_s, args), false, {}};
    run.detail[u"from"_s] = from;
    run.detail[u"to"_s] = target;
    if (const auto before = readStoreCounts(store.db(), &error))
        run.detail[u"before"_s] = countsToJson(*before);
    error.clear();
    QElapsedTimer timer;
    timer.start();
    if (!migrateSchema(store.db(), target, &error)) {
        QString unused;
        const int now = schemaVersion(store.db(), &unused);
        err << "pulsco-matchd migrate: " << error << " (the store stays at schema " << now << ")\n";
        run.detail[u"error"_s] = error;
        logRun(store.db(), *address, run, err);
        return 1;
    }
    out << path << ": now at schema " << target << " (" << timer.elapsed() << " ms)\n";
    run.ok = true;
    run.detail[u"ms"_s] = timer.elapsed();
    if (const auto after = readStoreCounts(store.db(), &error)) {
        run.detail[u"after"_s] = countsToJson(*after);
        out << "  " << describeCounts(*after) << '\n';
    }
    const QString check = storeOwnCheck(store.db(), &error);
    run.detail[u"store_check"_s] = check.isEmpty() ? error : check;
    out << "  store check: " << run.detail[u"store_check"_s].toString() << '\n';
    logRun(store.db(), *address, run, err);
    return 0;
}

// ---- backup --------------------------------------------------------------

int backup(const QStringList& args, QTextStream& out, QTextStream& err) {
    QString error;
    const auto a =
        parseArgs(u"backup"_s, args, {u"--data-dir"_s, u"--store"_s, u"--to"_s}, {}, &error);
    if (!a) {
        err << "pulsco-matchd " << error << '\n';
        return 2;
    }
    const auto address = storeOf(*a, u"backup"_s, &error);
    QString target = need(*a, u"backup"_s, u"--to"_s, &error);
    if (!error.isEmpty() || !a->positional.isEmpty()) {
        if (error.isEmpty())
            error = u"backup: unexpected argument '"_s + a->positional.first() + u'\'';
        err << "pulsco-matchd " << error << '\n';
        return 2;
    }
    const bool postgres = address->dialect == SqlDialect::Postgresql;
    const QString source = address->display();
    if (!postgres && !QFileInfo(source).isFile()) {
        err << "pulsco-matchd backup: " << source << ": no store here\n";
        return 1;
    }
    // A directory gets a file named by the time of the backup.
    if (QFileInfo(target).isDir())
        target = QDir(target).filePath(
            u"matchd-backup-"_s +
            QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd'T'HHmmss'Z'"_s) +
            (postgres ? u".dump"_s : u".sqlite"_s));
    if (QFileInfo::exists(target)) {
        err << "pulsco-matchd backup: " << target
            << ": exists (a backup never overwrites; choose a new name)\n";
        return 1;
    }
    if (!QFileInfo(QFileInfo(target).absolutePath()).isDir()) {
        err << "pulsco-matchd backup: " << target << ": the directory "
            << QFileInfo(target).absolutePath() << " does not exist\n";
        return 1;
    }
    // Written under another name first: a backup that stops half way never
    // sits under the name a script will restore from.
    const QString partial = target + u".partial"_s;
    QFile::remove(partial);
    QElapsedTimer timer;
    timer.start();
    // PostgreSQL: pg_dump's custom format, one consistent snapshot of the
    // database (a REPEATABLE READ transaction) while the servers write on.
    if (postgres) {
        error = runPostgresTool(u"pg_dump"_s,
                                {u"--format=custom"_s, u"--no-owner"_s, u"--file"_s, partial,
                                 u"--dbname"_s, address->database},
                                *address);
        if (!error.isEmpty())
            error = source + u": "_s + error;
    }
    if ((postgres ? !error.isEmpty() : !copyStoreConsistently(source, partial, &error)) ||
        !syncFile(partial, &error)) {
        QFile::remove(partial);
        err << "pulsco-matchd backup: " << error << '\n';
        return 1;
    }
    if (!QFile::rename(partial, target)) {
        QFile::remove(partial);
        err << "pulsco-matchd backup: " << target << ": cannot rename " << partial << " to it\n";
        return 1;
    }
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    // The counts: of the copy (SQLite), of the database just dumped
    // (PostgreSQL: the dump is an archive, not a database).
    StoreConnection copy(postgres ? *address : StoreAddress::sqlite(target),
                         StoreConnection::Mode::ReadOnly);
    const auto counts = copy.isOpen() ? readStoreCounts(copy.db(), &error) : std::nullopt;
    out << "backup of " << source << " written to " << target << ": "
        << humanBytes(QFileInfo(target).size()) << " in " << QString::number(seconds, 'f', 3)
        << " s\n";
    if (counts)
        out << (postgres ? "  the database now (the dump holds it as of the dump's start): " : "  ")
            << describeCounts(*counts) << '\n';
    // The file's checksum, so a later verify can show it checked this very
    // backup of this store.
    MaintenanceRun run{0, 0, u"backup"_s, commandLine(u"backup"_s, args), true, {}};
    run.detail[u"path"_s] = QFileInfo(target).absoluteFilePath();
    run.detail[u"bytes"_s] = QFileInfo(target).size();
    run.detail[u"seconds"_s] = seconds;
    run.detail[u"sha256"_s] = sha256OfFile(target, &error);
    if (counts)
        run.detail[u"counts"_s] = countsToJson(*counts);
    logRun(*address, run, err);
    if (postgres)
        out << "check it: pulsco-matchd verify " << target << " --store " << address->display()
            << "\nrestore it into an empty database: pulsco-matchd restore " << target
            << " --store URL (pg_restore)\n";
    else
        out << "check it: pulsco-matchd verify " << target << " --data-dir "
            << QFileInfo(source).path() << '\n';
    return 0;
}

// ---- verify --------------------------------------------------------------

struct Verification {
    bool sound = false;
    QStringList problems;
    std::optional<StoreCounts> counts;
    int schemaFound = 0;
    qint64 searchingAgain = 0;
    bool started = false;  // the store opened as pulsco-matchd opens it
    QString storeCheck = u"none"_s;
    QString checkName = u"PRAGMA quick_check"_s;
};

// The checks of a restored store a server could start on (`recovery` is
// what it found): the store's own check, and the integrity audit's
// cross-checks with the memory a restarted server would hold: every
// searching ticket, no match formed yet.
void checkRestored(const QString& path, StoreConnection& db, const StoreRecovery& recovery,
                   Verification& v) {
    v.started = true;
    v.searchingAgain = qint64(recovery.searchingTickets.size());
    if (!db.isOpen()) {
        v.problems << path + u": "_s + db.error();
        return;
    }
    const StoreAuditRows rows = readAuditRows(db.db());
    v.storeCheck = rows.quickCheck.isEmpty() ? u"none"_s : rows.quickCheck;
    MemoryCut restarted;
    for (const TicketRow& t : recovery.searchingTickets)
        restarted.tickets.push_back({t.seq, TicketState::Searching, 0, false});
    restarted.nextTicketSeq = recovery.maxTicketSeq + 1;
    restarted.firstMatchSeq = restarted.nextMatchSeq = recovery.maxMatchSeq + 1;
    restarted.searchingCounter = restarted.matcherSearching = recovery.searchingTickets.size();
    const IntegrityReport report = compareAtCut(restarted, rows);
    for (const std::string& finding : report.firstViolations)
        v.problems << QString::fromStdString(finding);
    if (report.violations > report.firstViolations.size())
        v.problems << u"... and %1 more"_s.arg(report.violations - report.firstViolations.size());
    v.sound = report.ok && v.problems.isEmpty();
}

// A pg_dump archive checked in a scratch database created for it on the
// server of `owner` (its role needs CREATEDB): restored with pg_restore in
// one transaction, opened as the server opens it, the store's own check
// (amcheck where the role may install it) and the audit's cross-checks,
// then dropped. nullopt and *error when no scratch database can be had,
// which says nothing about the backup.
std::optional<Verification> verifyPostgresDump(const QString& path, const StoreAddress& owner,
                                               QTextStream& err, QString* error);

// Restores `path` into a scratch store and checks it there: SQLite's own
// check, a start of the store exactly as pulsco-matchd starts (migrated to
// this program's schema, recovery state read), and the integrity audit's
// cross-checks of the stored records (every matched ticket in a stored match
// that lists it, no ticket listed by two matches, only known states), with
// the memory a restarted server would hold.
Verification verifyIn(const QString& path, const QTemporaryDir& scratch);

// The problems name the backup, never the scratch copy they were found in.
Verification verifyStore(const QString& path) {
    QTemporaryDir scratch;
    Verification v = verifyIn(path, scratch);
    v.problems.replaceInStrings(QDir(scratch.path()).filePath(u"matchd.sqlite"_s), u"the copy"_s);
    return v;
}

Verification verifyIn(const QString& path, const QTemporaryDir& scratch) {
    Verification v;
    const QFileInfo info(path);
    if (!info.isFile()) {
        v.problems << path + (info.exists() ? u": not a file"_s : u": no such file"_s);
        return v;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        v.problems << path + u": "_s + file.errorString();
        return v;
    }
    if (file.read(16) != QByteArray("SQLite format 3\0", 16)) {
        v.problems
            << path + u": not an SQLite database (its first 16 bytes are not SQLite's header)"_s;
        return v;
    }
    file.close();
    const QString scratchFile = storeFileIn(scratch.path());
    if (!scratch.isValid() || !QFile::copy(path, scratchFile)) {
        v.problems << path + u": cannot copy it into a scratch directory to check"_s;
        return v;
    }
    QFile::setPermissions(scratchFile, QFile::ReadOwner | QFile::WriteOwner);
    QString error;
    {
        StoreConnection db(scratchFile, StoreConnection::Mode::ReadWrite);
        if (!db.isOpen()) {
            v.problems << path + u": "_s + db.error();
            return v;
        }
        v.counts = readStoreCounts(db.db(), &error);
        if (!v.counts) {
            v.problems << path + u": "_s + error;
            return v;
        }
        v.schemaFound = v.counts->schemaVersion;
        if (v.schemaFound > latestSchemaVersion()) {
            v.problems << path + u": schema %1 is newer than this pulsco-matchd knows (%2)"_s
                                     .arg(v.schemaFound)
                                     .arg(latestSchemaVersion());
            return v;
        }
    }
    StoreRecovery recovery;
    {
        GroupCommitStore store;
        GroupCommitStore::Options options;
        options.path = scratchFile;
        if (!store.open(options, &recovery, &error)) {
            v.problems << path + u": a server could not start on it: "_s + error;
            return v;
        }
    }
    StoreConnection db(scratchFile, StoreConnection::Mode::ReadOnly);
    checkRestored(path, db, recovery, v);
    return v;
}

// `note` goes just before the verdict, which stays the last line.
void printVerification(const QString& path, const Verification& v, QTextStream& out,
                       const QString& note = {}) {
    out << "verify " << path << '\n';
    if (v.counts) {
        out << "  rows: " << describeCounts(*v.counts) << '\n';
        out << "  store check (" << v.checkName << "): " << v.storeCheck << '\n';
        if (v.started)
            out << "  a server starts on it: yes (schema " << v.schemaFound << " -> "
                << latestSchemaVersion() << ", " << v.searchingAgain
                << " tickets searching again)\n";
        else
            out << "  a server starts on it: no\n";
    }
    for (const QString& problem : v.problems)
        out << "  problem: " << problem << '\n';
    if (!note.isEmpty())
        out << "  " << note << '\n';
    out << (v.sound ? u"sound"_s
                    : u"NOT sound: %1 problem%2"_s.arg(v.problems.size())
                          .arg(v.problems.size() == 1 ? u""_s : u"s"_s))
        << '\n';
}

int verify(const QStringList& args, QTextStream& out, QTextStream& err) {
    QString error;
    const auto a = parseArgs(u"verify"_s, args, {u"--data-dir"_s, u"--store"_s}, {}, &error);
    if (!a || a->positional.size() != 1) {
        err << "pulsco-matchd "
            << (a ? u"verify: needs exactly one PATH, the backup to check"_s : error) << '\n';
        return 2;
    }
    const QString path = a->positional.first();
    // The store the backup was taken of, where the result is logged.
    std::optional<StoreAddress> owner;
    if (a->values.count(u"--data-dir"_s) || a->values.count(u"--store"_s)) {
        owner = storeOf(*a, u"verify"_s, &error);
        if (!owner) {
            err << "pulsco-matchd " << error << '\n';
            return 2;
        }
    }
    bool dump = false;
    {
        QFile file(path);
        dump = file.open(QIODevice::ReadOnly) && file.read(5) == "PGDMP";
    }
    if (dump && (!owner || owner->dialect != SqlDialect::Postgresql)) {
        err << "pulsco-matchd verify: " << path
            << ": a pg_dump archive: name the database it is a backup of (verify PATH --store "
               "URL); it is restored into a scratch database on that server and checked there\n";
        return 2;
    }
    Verification v;
    if (dump) {
        const auto checked = verifyPostgresDump(path, *owner, err, &error);
        if (!checked) {
            err << "pulsco-matchd verify: " << error << '\n';
            return 1;
        }
        v = *checked;
    } else {
        v = verifyStore(path);
    }
    QString note;
    if (owner) {
        MaintenanceRun run{0, 0, u"verify"_s, commandLine(u"verify"_s, args), v.sound, {}};
        run.detail[u"path"_s] = QFileInfo(path).absoluteFilePath();
        run.detail[u"sha256"_s] = sha256OfFile(path, &error);
        if (v.counts)
            run.detail[u"counts"_s] = countsToJson(*v.counts);
        run.detail[u"store_check"_s] = v.storeCheck;
        run.detail[u"problems"_s] = QJsonArray::fromStringList(v.problems);
        logRun(*owner, run, err);
        note = u"logged in the maintenance log of "_s + owner->display();
    } else {
        note = u"not logged: add --data-dir DIR or --store URL, the store it is a backup of, "
               "to count it as a verified backup on the Rollout page"_s;
    }
    printVerification(path, v, out, note);
    return v.sound ? 0 : 1;
}

// ---- restore -------------------------------------------------------------

// A restore drill's evidence, measured on the restored store itself (its
// rows and its own check) and logged there: the server started on it
// reports the drill.
void logRestore(const StoreAddress& address, const QString& path, const QString& command,
                QTextStream& out, QTextStream& err) {
    MaintenanceRun run{0, 0, u"restore"_s, command, true, {}};
    QString error;
    run.detail[u"path"_s] = QFileInfo(path).absoluteFilePath();
    run.detail[u"sha256"_s] = sha256OfFile(path, &error);
    run.detail[u"started"_s] = true;  // the restore refuses when a server cannot start on it
    StoreConnection store(address, StoreConnection::Mode::ReadWrite);
    if (!store.isOpen()) {
        err << "pulsco-matchd: warning: " << store.error()
            << " (the maintenance log was not written: this run will not count as evidence)\n";
        return;
    }
    if (const auto counts = readStoreCounts(store.db(), &error)) {
        run.detail[u"counts"_s] = countsToJson(*counts);
        out << "  " << describeCounts(*counts) << '\n';
    } else {
        run.ok = false;
        run.detail[u"error"_s] = error;
    }
    const QString check = storeOwnCheck(store.db(), &error);
    run.detail[u"store_check"_s] = check.isEmpty() ? error : check;
    out << "  store check: " << run.detail[u"store_check"_s].toString() << '\n';
    logRun(store.db(), address, run, err);
}

// pg_restore of a pg_dump archive into `address`'s (empty) database, in one
// transaction. "" or why not.
QString pgRestoreInto(const QString& path, const StoreAddress& address) {
    QString error;
    // Everything but extensions (amcheck): creating one needs rights the
    // server's role rarely has, and one failure would roll the whole
    // restore back. The list of the archive's entries, without them.
    QByteArray contents;
    error = runPostgresTool(u"pg_restore"_s, {u"--list"_s, path}, address, &contents);
    QTemporaryDir listDir;
    const QString list = listDir.filePath(u"entries"_s);
    if (error.isEmpty()) {
        QFile f(list);
        if (!f.open(QIODevice::WriteOnly))
            error = list + u": "_s + f.errorString();
        for (const QByteArray& line : contents.split('\n'))
            if (!line.contains(" EXTENSION "))
                f.write(line + '\n');
    }
    if (error.isEmpty())
        error = runPostgresTool(u"pg_restore"_s,
                                {u"--no-owner"_s, u"--exit-on-error"_s, u"--single-transaction"_s,
                                 u"--use-list"_s, list, u"--dbname"_s, address.database, path},
                                address);
    return error;
}

// `address` as the postgresql:// URL GroupCommitStore opens (with the
// password, if any: never printed).
QString urlOf(const StoreAddress& address) {
    QUrl url;
    url.setScheme(u"postgresql"_s);
    url.setUserName(address.user);
    url.setPassword(address.password);
    url.setHost(address.host);
    url.setPort(address.port);
    url.setPath(u"/"_s + address.database);
    return url.toString(QUrl::FullyEncoded);
}

std::optional<Verification> verifyPostgresDump(const QString& path, const StoreAddress& owner,
                                               QTextStream& err, QString* error) {
    const QString scratchName = u"pulsco_verify_%1_%2"_s.arg(QCoreApplication::applicationPid())
                                    .arg(QDateTime::currentMSecsSinceEpoch());
    {
        StoreConnection admin(owner, StoreConnection::Mode::ReadWrite);
        if (!admin.isOpen()) {
            *error = admin.error();
            return std::nullopt;
        }
        if (const QString why = createDatabase(admin.db(), scratchName); !why.isEmpty()) {
            *error = owner.display() +
                     u": cannot create a scratch database to restore the archive into: "_s + why +
                     u" (verify of a pg_dump archive needs CREATEDB)"_s;
            return std::nullopt;
        }
    }
    StoreAddress scratch = owner;
    scratch.database = scratchName;
    Verification v;
    v.checkName = u"amcheck"_s;
    if (const QString restoreError = pgRestoreInto(path, scratch); !restoreError.isEmpty()) {
        v.problems << path + u": does not restore: "_s + restoreError;
    } else {
        {
            StoreConnection db(scratch, StoreConnection::Mode::ReadWrite);
            if (db.isOpen()) {
                // amcheck where this role may install it (a superuser); the
                // check says "none (why)" otherwise.
                installAmcheckIfAllowed(db.db());
                QString countError;
                v.counts = readStoreCounts(db.db(), &countError);
                if (!v.counts)
                    v.problems << path + u": "_s + countError;
                else
                    v.schemaFound = v.counts->schemaVersion;
            } else {
                v.problems << path + u": "_s + db.error();
            }
        }
        StoreRecovery recovery;
        bool started = false;
        if (v.problems.isEmpty()) {
            GroupCommitStore store;
            GroupCommitStore::Options options;
            options.path = urlOf(scratch);
            QString openError;
            started = store.open(options, &recovery, &openError);
            if (!started)
                v.problems << path + u": a server could not start on it: "_s + openError;
        }
        if (started) {
            StoreConnection db(scratch, StoreConnection::Mode::ReadOnly);
            checkRestored(path, db, recovery, v);
        }
    }
    StoreConnection admin(owner, StoreConnection::Mode::ReadWrite);
    const QString dropError =
        admin.isOpen() ? dropDatabase(admin.db(), scratchName) : admin.error();
    if (!dropError.isEmpty())
        err << "pulsco-matchd verify: warning: the scratch database " << scratchName
            << " is left on " << owner.display() << ": " << dropError << " (drop it by hand)\n";
    return v;
}

// A pg_dump archive (`backup --store`) into an empty database with
// pg_restore; the store is then opened as the server opens it (migrated up,
// recovery state read) and counted.
int restorePostgres(const QString& path, const QString& url, const StoreAddress& address,
                    const QStringList& args, QTextStream& out, QTextStream& err) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.read(5) != "PGDMP") {
        err << "pulsco-matchd restore: " << path
            << (file.exists() ? ": not a pg_dump archive (restore --store takes what backup "
                                "--store wrote)"
                              : ": no such file")
            << '\n';
        return 1;
    }
    QString error;
    {
        StoreConnection db(address, StoreConnection::Mode::ReadOnly);
        if (!db.isOpen()) {
            err << "pulsco-matchd restore: " << db.error() << '\n';
            return 1;
        }
        if (!hasNoTables(db.db())) {
            err << "pulsco-matchd restore: " << address.display()
                << ": not empty (restore never overwrites: create an empty database, e.g. "
                   "CREATE DATABASE pulsco_restored)\n";
            return 1;
        }
    }
    error = pgRestoreInto(path, address);
    if (!error.isEmpty()) {
        err << "pulsco-matchd restore: " << address.display() << ": " << error
            << " (one transaction: nothing was restored)\n";
        return 1;
    }
    GroupCommitStore store;
    GroupCommitStore::Options options;
    options.path = url;
    StoreRecovery recovery;
    if (!store.open(options, &recovery, &error)) {
        err << "pulsco-matchd restore: " << address.display()
            << ": restored, but a server could not start on it: " << error << '\n';
        return 1;
    }
    out << "restored " << path << " into " << address.display() << " (schema "
        << recovery.schemaVersionFound << ", " << recovery.searchingTickets.size()
        << " tickets searching again, highest ticket t" << recovery.maxTicketSeq << ")\n"
        << "start the server on it: pulsco-matchd --store " << address.display() << '\n';
    logRestore(address, path, commandLine(u"restore"_s, args), out, err);
    return 0;
}

int restore(const QStringList& args, QTextStream& out, QTextStream& err) {
    QString error;
    const auto a = parseArgs(u"restore"_s, args, {u"--data-dir"_s, u"--store"_s}, {}, &error);
    if (!a) {
        err << "pulsco-matchd " << error << '\n';
        return 2;
    }
    const auto address = storeOf(*a, u"restore"_s, &error);
    if (address && address->dialect == SqlDialect::Postgresql && a->positional.size() == 1)
        return restorePostgres(a->positional.first(), a->values.at(u"--store"_s), *address, args,
                               out, err);
    const QString dataDir =
        a->values.count(u"--data-dir"_s) ? a->values.at(u"--data-dir"_s) : QString();
    if (!error.isEmpty() || a->positional.size() != 1) {
        err << "pulsco-matchd "
            << (error.isEmpty() ? u"restore: needs exactly one PATH, the backup to restore"_s
                                : error)
            << '\n';
        return 2;
    }
    const QString path = a->positional.first();
    const QDir dir(dataDir);
    if (dir.exists() && !dir.isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)) {
        err << "pulsco-matchd restore: " << dataDir
            << ": not empty (restore never overwrites: choose an empty or a new directory)\n";
        return 1;
    }
    if (QFileInfo(dataDir).exists() && !QFileInfo(dataDir).isDir()) {
        err << "pulsco-matchd restore: " << dataDir << ": not a directory\n";
        return 1;
    }
    // Only a sound backup is restored.
    const Verification v = verifyStore(path);
    printVerification(path, v, out);
    if (!v.sound) {
        err << "pulsco-matchd restore: " << path << ": refused: the backup is not sound; "
            << dataDir << " is unchanged\n";
        return 1;
    }
    if (!QDir().mkpath(dataDir)) {
        err << "pulsco-matchd restore: " << dataDir << ": cannot create the directory\n";
        return 1;
    }
    const QString target = storeFileIn(dataDir);
    const QString partial = target + u".partial"_s;
    if (!QFile::copy(path, partial) || !syncFile(partial, &error) ||
        !QFile::rename(partial, target)) {
        QFile::remove(partial);
        err << "pulsco-matchd restore: " << target << ": cannot write it"
            << (error.isEmpty() ? QString() : u": "_s + error) << '\n';
        return 1;
    }
    QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner);
    out << "restored " << path << " into " << target << '\n'
        << "start the server on it: pulsco-matchd --data-dir " << dataDir << '\n';
    logRestore(StoreAddress::sqlite(target), path, commandLine(u"restore"_s, args), out, err);
    return 0;
}

}  // namespace

bool isStoreCommand(const QString& firstArgument) {
    return firstArgument == u"migrate"_s || firstArgument == u"backup"_s ||
           firstArgument == u"verify"_s || firstArgument == u"restore"_s;
}

int runStoreCommand(const QStringList& args, QTextStream& out, QTextStream& err) {
    const QString command = args.value(0);
    const QStringList rest = args.mid(1);
    if (rest.contains(u"--help"_s) || rest.contains(u"-h"_s)) {
        out << storeCommandsUsage();
        return 0;
    }
    if (command == u"migrate"_s)
        return migrate(rest, out, err);
    if (command == u"backup"_s)
        return backup(rest, out, err);
    if (command == u"verify"_s)
        return verify(rest, out, err);
    if (command == u"restore"_s)
        return restore(rest, out, err);
    err << "pulsco-matchd: " << command << ": not a command (migrate, backup, verify, restore)\n";
    return 2;
}

QString storeCommandsUsage() {
    return u"store commands (docs/matchd.md, \"Store commands\"); --store URL (PostgreSQL) may\n"
           "stand wherever --data-dir DIR (SQLite) does:\n"
           "  pulsco-matchd migrate --data-dir DIR --to N [--dry-run] [--allow-data-loss]\n"
           "      move the schema up or down to version N (0..%1); --dry-run prints the steps\n"
           "      and what each would drop; a down step that drops data refuses without\n"
           "      --allow-data-loss. Stop the server first.\n"
           "  pulsco-matchd backup --data-dir DIR --to PATH\n"
           "      a consistent copy while the server runs (SQLite VACUUM INTO; PostgreSQL\n"
           "      pg_dump --format=custom); PATH is a new file, or a directory to put\n"
           "      matchd-backup-<UTC time>.sqlite (.dump) in\n"
           "  pulsco-matchd verify PATH [--data-dir DIR]\n"
           "      restore into a scratch store, run its own check (quick_check; amcheck),\n"
           "      start the store as the server does and the integrity audit's\n"
           "      cross-checks; print row counts; exit 0 when sound, 1 when not. With the\n"
           "      store it is a backup of, the result is logged there: a verified backup on\n"
           "      the Rollout page. A pg_dump archive needs --store URL: it is restored into\n"
           "      a scratch database on that server (CREATEDB), checked, dropped\n"
           "  pulsco-matchd restore PATH --data-dir DIR\n"
           "      verify, then restore into an empty or new DIR; never overwrites\n"
           "      (--store URL: pg_restore into an empty database, in one transaction)\n"
           "  every run is logged in the store's maintenance log, which the server reports\n"
           "  and the Rollout page's data items count (docs/matchd.md)\n"
           "  exit codes: 0 done or sound, 1 failed, refused or not sound, 2 bad usage\n"_s.arg(
               latestSchemaVersion());
}

}  // namespace pulsco
