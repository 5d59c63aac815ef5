// Reads a recording of pulsco-matchd's arrival stream (core/Recording.h,
// docs/file-formats.md "Recordings") for replay: one file and the parts
// rotated after it (FILE.2, FILE.3, …), or a folder holding the parts.
//
// Refused whole, naming the file, the line and why: a line that does not
// decode, an unknown format, time going backwards, parts of two
// recordings mixed, a part missing between two others, headers that
// disagree on the regions. Accepted and said (`notes`): a last line cut
// short without its newline (a server killed mid-write: skipped and
// counted), parts rotated away before the first one present, and the
// events the recorder itself lost (its gap lines).
#pragma once

#include "core/Recording.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace pulsco {

struct Recording {
    RecordingHeader header;  // the first part's
    std::vector<RecordedEvent> events;
    QStringList files;                  // the parts read, in order
    std::uint64_t lostInGaps = 0;       // what the recorder's gap lines count
    std::uint64_t cutLinesSkipped = 0;  // last lines without their newline
    QStringList notes;                  // each accepted oddity, said once
};

struct RecordingLoad {
    std::optional<Recording> recording;
    QString error;  // "<file>:<line>: <why>" when refused
};

RecordingLoad loadRecording(const QString& fileOrFolder);

}  // namespace pulsco
