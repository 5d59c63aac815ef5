#include "net/server/StoreCommands.h"

#include "net/server/IntegrityCheck.h"
#include "net/store/AuditRows.h"
#include "net/store/GroupCommitStore.h"
#include "net/store/Migrations.h"
#include "net/store/StoreMaintenance.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

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
    QElapsedTimer timer;
    timer.start();
    if (!migrateSchema(store.db(), target, &error)) {
        QString unused;
        const int now = schemaVersion(store.db(), &unused);
        err << "pulsco-matchd migrate: " << error << " (the store stays at schema " << now << ")\n";
        return 1;
    }
    out << path << ": now at schema " << target << " (" << timer.elapsed() << " ms)\n";
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
    if (postgres)
        out << "restore it into an empty database: pulsco-matchd restore " << target
            << " --store URL (pg_restore)\n";
    else
        out << "check it: pulsco-matchd verify " << target << '\n';
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
};

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
    v.started = true;
    v.searchingAgain = qint64(recovery.searchingTickets.size());
    StoreConnection db(scratchFile, StoreConnection::Mode::ReadOnly);
    if (!db.isOpen()) {
        v.problems << path + u": "_s + db.error();
        return v;
    }
    const StoreAuditRows rows = readAuditRows(db.db());
    v.storeCheck = rows.quickCheck.isEmpty() ? u"none"_s : rows.quickCheck;
    // What memory holds right after a restart: every searching ticket, no
    // match formed yet.
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
    return v;
}

void printVerification(const QString& path, const Verification& v, QTextStream& out) {
    out << "verify " << path << '\n';
    if (v.counts) {
        out << "  rows: " << describeCounts(*v.counts) << '\n';
        out << "  store check (PRAGMA quick_check): " << v.storeCheck << '\n';
        if (v.started)
            out << "  a server starts on it: yes (schema " << v.schemaFound << " -> "
                << latestSchemaVersion() << ", " << v.searchingAgain
                << " tickets searching again)\n";
        else
            out << "  a server starts on it: no\n";
    }
    for (const QString& problem : v.problems)
        out << "  problem: " << problem << '\n';
    out << (v.sound ? u"sound"_s
                    : u"NOT sound: %1 problem%2"_s.arg(v.problems.size())
                          .arg(v.problems.size() == 1 ? u""_s : u"s"_s))
        << '\n';
}

int verify(const QStringList& args, QTextStream& out, QTextStream& err) {
    if (args.size() == 1) {
        QFile file(args.first());
        if (file.open(QIODevice::ReadOnly) && file.read(5) == "PGDMP") {
            err << "pulsco-matchd verify: " << args.first()
                << ": a pg_dump archive; verify checks SQLite backups. Restore it into an "
                   "empty scratch database (pulsco-matchd restore PATH --store URL) and run the "
                   "integrity audit there (docs/matchd.md, Store commands)\n";
            return 1;
        }
    }
    QString error;
    const auto a = parseArgs(u"verify"_s, args, {}, {}, &error);
    if (!a || a->positional.size() != 1) {
        err << "pulsco-matchd "
            << (a ? u"verify: needs exactly one PATH, the backup to check"_s : error) << '\n';
        return 2;
    }
    const QString path = a->positional.first();
    const Verification v = verifyStore(path);
    printVerification(path, v, out);
    return v.sound ? 0 : 1;
}

// ---- restore -------------------------------------------------------------

// A pg_dump archive (`backup --store`) into an empty database with
// pg_restore; the store is then opened as the server opens it (migrated up,
// recovery state read) and counted.
int restorePostgres(const QString& path, const QString& url, const StoreAddress& address,
                    QTextStream& out, QTextStream& err) {
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
        return restorePostgres(a->positional.first(), a->values.at(u"--store"_s), *address, out,
                               err);
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
           "  pulsco-matchd verify PATH\n"
           "      (SQLite backups) restore into a scratch store, run quick_check, start the\n"
           "      store as the server does and the integrity audit's cross-checks; print\n"
           "      row counts; exit 0 when sound, 1 when not\n"
           "  pulsco-matchd restore PATH --data-dir DIR\n"
           "      verify, then restore into an empty or new DIR; never overwrites\n"
           "      (--store URL: pg_restore into an empty database, in one transaction)\n"
           "  exit codes: 0 done or sound, 1 failed, refused or not sound, 2 bad usage\n"_s.arg(
               latestSchemaVersion());
}

}  // namespace pulsco
