// Text forms of figures shared by every page, so a value reads the same in a
// tile, a table and the event log.
#pragma once

#include <QString>

#include <cstdint>

namespace pulsco {

// "01:02:03"; runs longer than a day read "2d 01:02:03".
QString formatClock(double seconds);
// "1×", "100×", "max" (0 = as fast as possible).
QString formatSpeed(double speed);
// "12 345" style grouping in the user's locale.
QString formatCount(std::uint64_t value);
// Milliseconds with sensible precision: "0.42 ms", "12.3 ms", "1 250 ms".
QString formatMs(double ms);
// Seconds: "0.8 s", "12 s", "4 min 10 s".
QString formatSeconds(double seconds);
// A fraction as percent with enough digits for small rates: "0.012 %".
QString formatPercent(double fraction);
// A file's size as an export confirms it: "812 bytes", "12.4 KB", "3.1 MB"
// (units of 1024, as file managers show them).
QString formatFileSize(qint64 bytes);

}  // namespace pulsco
