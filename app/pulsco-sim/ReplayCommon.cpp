#include "ReplayCommon.h"

#include <QSaveFile>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace pulsco {

int replayBadInput(const QString& message) {
    std::fprintf(stderr, "pulsco-sim: %s\n", qPrintable(message));
    return 2;
}

std::optional<Recording> loadReplayRecording(const QString& path) {
    RecordingLoad load = loadRecording(path);
    if (!load.recording) {
        replayBadInput(u"--replay: "_s + load.error);
        return std::nullopt;
    }
    for (const QString& note : load.recording->notes)
        std::fprintf(stderr, "pulsco-sim: --replay: %s\n", qPrintable(note));
    return std::move(load.recording);
}

bool saveReplayFile(const QString& path, const QByteArray& bytes, QString* error) {
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit())
        return true;
    *error = u"cannot write "_s + path + u": "_s + file.errorString();
    return false;
}

}  // namespace pulsco
