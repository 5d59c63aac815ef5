#include "drills/DrillLibrary.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("DrillLibrary", text);
}

DrillEntry entryFor(const QString& path, bool user, const DrillContext& context) {
    DrillLoad load = loadDrillFile(path, context);
    DrillEntry entry;
    entry.path = path;
    entry.user = user;
    entry.error = load.error;
    entry.name = load.drill ? load.drill->name : QFileInfo(path).completeBaseName();
    entry.drill = std::move(load.drill);
    return entry;
}

}  // namespace

QString DrillLibrary::defaultUserDirectory() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/drills"_s;
}

DrillLibrary::DrillLibrary(QString userDirectory, DrillContext context)
    : m_userDirectory(std::move(userDirectory))
    , m_context(std::move(context)) {}

std::vector<DrillEntry> DrillLibrary::list() const {
    std::vector<DrillEntry> entries;
    for (const QString& path : shippedDrillPaths())
        entries.push_back(entryFor(path, false, m_context));
    if (!m_userDirectory.isEmpty()) {
        const QDir dir(m_userDirectory);
        for (const QString& f : dir.entryList({u"*.json"_s}, QDir::Files, QDir::Name))
            entries.push_back(entryFor(dir.filePath(f), true, m_context));
    }
    return entries;
}

QString DrillLibrary::copyName(const QString& name, const QStringList& taken) {
    // Clashes are checked on the name as it will be saved (cut), or a cut
    // copy could take the name of, and overwrite, a file that already exists.
    QString copy = QString(name + u"-copy"_s).left(kMaxNameLength);
    for (int n = 2; taken.contains(copy); ++n) {
        // Past the first try the numbered suffix is kept whole and the name
        // cut before it: every n gives another name, so the loop ends.
        const QString suffix = u"-copy-"_s + QString::number(n);
        copy = name.left(kMaxNameLength - suffix.size()) + suffix;
    }
    return copy;
}

QString DrillLibrary::userFilePath(const QString& name) const {
    return QDir(m_userDirectory).filePath(name + u".json"_s);
}

std::optional<QString> DrillLibrary::save(const DrillScript& drill, QString* error) const {
    const auto fail = [error](const QString& why) -> std::optional<QString> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const QByteArray json = drillToJson(drill);
    // The same checks as loading: what is saved here is listed as usable.
    const DrillLoad check = parseDrill(json, tr("drill \"%1\"").arg(drill.name), m_context);
    if (!check.drill)
        return fail(check.error);
    if (m_userDirectory.isEmpty() || !QDir().mkpath(m_userDirectory))
        return fail(tr("No folder to save your drills in (%1).").arg(m_userDirectory));
    QSaveFile file(userFilePath(drill.name));
    if (!file.open(QIODevice::WriteOnly) || file.write(json) < 0 || !file.commit())
        return fail(tr("%1: cannot save: %2").arg(file.fileName(), file.errorString()));
    return file.fileName();
}

}  // namespace pulsco
