#include "drills/Runbooks.h"

#include <QDir>
#include <QFile>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {
QString readText(const QString& file) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly) || f.size() > 1024 * 1024)
        return {};
    return QString::fromUtf8(f.readAll());
}
}  // namespace

bool runbookExists(const QString& path) {
    return !path.isEmpty() && !path.contains(u".."_s) && QFile::exists(u":/pulsco/"_s + path);
}

QString runbookText(const QString& path, const QString& searchRoot) {
    if (path.isEmpty() || path.contains(u".."_s))
        return {};
    if (runbookExists(path))
        return readText(u":/pulsco/"_s + path);
    if (!searchRoot.isEmpty())
        return readText(QDir(searchRoot).filePath(path));
    return {};
}

}  // namespace pulsco
