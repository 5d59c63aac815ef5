// The drills a trainer can pick: the shipped ones (embedded, see
// shippedDrillPaths) and the trainer's own *.json files in one folder. Lists
// them (a broken file is listed with its error, never half-used), names
// copies so they never clash, and saves a drill to the folder after checking
// it as loading would, so a saved file always loads again.
#pragma once

#include "drills/DrillJson.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace pulsco {

struct DrillEntry {
    QString path;                      // resource (":/...") or file path
    bool user = false;                 // in the trainer's folder
    std::optional<DrillScript> drill;  // empty: refused, see error
    QString error;
    // The drill's name, or the file's base name when it was refused.
    QString name;
};

class DrillLibrary {
public:
    static constexpr int kMaxNameLength = 64;  // as drill files allow

    // <AppDataLocation>/drills: where the console keeps the trainer's drills.
    static QString defaultUserDirectory();

    // `userDirectory` empty: only the shipped drills, nothing can be saved.
    explicit DrillLibrary(QString userDirectory = {}, DrillContext context = {});

    const QString& userDirectory() const { return m_userDirectory; }
    void setUserDirectory(const QString& path) { m_userDirectory = path; }
    // What drill files may refer to; files are checked against it.
    const DrillContext& context() const { return m_context; }
    void setContext(const DrillContext& context) { m_context = context; }

    // Shipped drills (by name) first, then the user's files (by file name).
    std::vector<DrillEntry> list() const;

    // "<name>-copy", else "<name>-copy-2", "-copy-3"... the first not in
    // `taken` once cut to kMaxNameLength ("<name>-copy" is cut at the end;
    // a numbered copy keeps its suffix and <name> is cut before it).
    static QString copyName(const QString& name, const QStringList& taken);

    // Where save() puts `name`: <userDirectory>/<name>.json.
    QString userFilePath(const QString& name) const;
    // Checks `drill` against the context, creates the folder if needed and
    // writes the file atomically (replacing the user's file of that name).
    // Returns the file's path, or nullopt and *error naming the folder or file.
    std::optional<QString> save(const DrillScript& drill, QString* error) const;

private:
    QString m_userDirectory;
    DrillContext m_context;
};

}  // namespace pulsco
