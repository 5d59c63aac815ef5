#include "simulator/RecordingReader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// Recordings are read whole; a part is at most what the recorder rotates
// at (4 GiB), and a file far beyond it is not one of ours.
constexpr qint64 kMaxPartBytes = 4LL * 1024 * 1024 * 1024 + 1024 * 1024;

struct Part {
    QString path;
    RecordingHeader header;
};

std::optional<RecordingHeader> headerOf(const QString& path, QString* error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = path + u": cannot be read: "_s + f.errorString();
        return std::nullopt;
    }
    const QByteArray first = f.readLine(64 * 1024).trimmed();
    std::string why;
    auto h = decodeRecordingHeader(first.toStdString(), &why);
    if (!h)
        *error = path + u":1: "_s + QString::fromStdString(why);
    return h;
}

// The parts named by `fileOrFolder`, in part order, or why not.
std::optional<std::vector<Part>> partsOf(const QString& fileOrFolder, QString* error) {
    const QFileInfo info(fileOrFolder);
    std::vector<Part> parts;
    if (!info.exists()) {
        *error = fileOrFolder + u": no such file or folder"_s;
        return std::nullopt;
    }
    if (info.isDir()) {
        const QDir dir(fileOrFolder);
        for (const QString& name : dir.entryList(QDir::Files, QDir::Name)) {
            const QString path = dir.filePath(name);
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly) || !f.peek(17).startsWith("pulsco-recording "))
                continue;  // not a part: other files may share the folder
            QString why;
            const auto h = headerOf(path, &why);
            if (!h) {
                *error = why;
                return std::nullopt;
            }
            parts.push_back({path, *h});
        }
        if (parts.empty()) {
            *error = fileOrFolder + u": no recording in this folder (no file starts with "
                                    "\"pulsco-recording\")"_s;
            return std::nullopt;
        }
    } else {
        const auto h = headerOf(fileOrFolder, error);
        if (!h)
            return std::nullopt;
        parts.push_back({fileOrFolder, *h});
        // Its successors, as the recorder names them.
        const QString base = h->part <= 1 ? fileOrFolder
                             : fileOrFolder.endsWith(u'.' + QString::number(h->part))
                                 ? fileOrFolder.chopped(QString::number(h->part).size() + 1)
                                 : QString();
        for (int n = h->part + 1; !base.isEmpty(); ++n) {
            const QString next = base + u'.' + QString::number(n);
            if (!QFileInfo::exists(next))
                break;
            const auto hn = headerOf(next, error);
            if (!hn)
                return std::nullopt;
            parts.push_back({next, *hn});
        }
    }
    std::stable_sort(parts.begin(), parts.end(),
                     [](const Part& a, const Part& b) { return a.header.part < b.header.part; });
    const Part& first = parts.front();
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const Part& p = parts[i];
        if (p.header.startedUnixMs != first.header.startedUnixMs ||
            p.header.server != first.header.server) {
            *error = p.path + u":1: a part of another recording than "_s + first.path +
                     u" (server or started_unix_ms differ): give one recording's parts"_s;
            return std::nullopt;
        }
        if (p.header.regions != first.header.regions) {
            *error = p.path + u":1: regions differ from "_s + first.path;
            return std::nullopt;
        }
        if (p.header.part == parts[i - 1].header.part) {
            *error = p.path + u":1: part %1 twice (also "_s.arg(p.header.part) + parts[i - 1].path +
                     u')';
            return std::nullopt;
        }
        if (p.header.part != parts[i - 1].header.part + 1) {
            *error = p.path + u":1: part %1 follows part %2: the parts between are missing"_s
                                  .arg(p.header.part)
                                  .arg(parts[i - 1].header.part);
            return std::nullopt;
        }
    }
    return parts;
}

}  // namespace

RecordingLoad loadRecording(const QString& fileOrFolder) {
    RecordingLoad out;
    const auto parts = partsOf(fileOrFolder, &out.error);
    if (!parts)
        return out;
    Recording r;
    r.header = parts->front().header;
    if (r.header.part > 1)
        r.notes << u"parts 1 to %1 were rotated away: the recording starts at part %2 (%3)"_s
                       .arg(r.header.part - 1)
                       .arg(r.header.part)
                       .arg(parts->front().path);
    double last = 0;
    for (const Part& part : *parts) {
        QFile f(part.path);
        if (f.size() > kMaxPartBytes) {
            out.error = part.path + u": larger than any part the recorder writes"_s;
            return out;
        }
        if (!f.open(QIODevice::ReadOnly)) {
            out.error = part.path + u": cannot be read: "_s + f.errorString();
            return out;
        }
        const QByteArray bytes = f.readAll();
        const QList<QByteArray> lines = bytes.split('\n');
        // split() leaves "" after a final newline; anything else there is a
        // line the writer never finished.
        const bool cut = !bytes.isEmpty() && !bytes.endsWith('\n');
        const std::size_t regions = part.header.regions.size();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray& line = lines[i];
            if (line.isEmpty())
                continue;
            std::string why;
            const auto event = decodeRecordedEvent(line.toStdString(), regions, &why);
            const QString where = part.path + u':' + QString::number(i + 1) + u": "_s;
            if (!event) {
                if (cut && i == lines.size() - 1) {
                    ++r.cutLinesSkipped;
                    r.notes << where + u"the last line was cut short (no newline: the server "
                                       "stopped mid-write); skipped"_s;
                    continue;
                }
                out.error = where + QString::fromStdString(why);
                return out;
            }
            const double t = timeOf(*event);
            if (t < last) {
                out.error = where + u"time goes backwards (%1 s after %2 s)"_s.arg(t).arg(last);
                return out;
            }
            last = t;
            if (const auto* gap = std::get_if<RecordedGap>(&*event))
                r.lostInGaps += gap->lost;
            r.events.push_back(*event);
        }
        r.files << part.path;
    }
    if (r.lostInGaps > 0)
        r.notes << u"%1 events were lost by the recorder (its gap lines): the arrivals around "
                   "them are thinner than the traffic was"_s.arg(r.lostInGaps);
    out.recording = std::move(r);
    return out;
}

}  // namespace pulsco
