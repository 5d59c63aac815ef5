#include "ui/Format.h"

#include <QLocale>

#include <cmath>

namespace pulsco {

using namespace Qt::StringLiterals;

QString formatClock(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0)
        seconds = 0;
    const auto total = static_cast<std::int64_t>(seconds);
    const std::int64_t days = total / 86400;
    const int h = static_cast<int>((total % 86400) / 3600);
    const int m = static_cast<int>((total % 3600) / 60);
    const int s = static_cast<int>(total % 60);
    const QString clock = u"%1:%2:%3"_s.arg(h, 2, 10, QLatin1Char('0'))
                              .arg(m, 2, 10, QLatin1Char('0'))
                              .arg(s, 2, 10, QLatin1Char('0'));
    return days > 0 ? u"%1d %2"_s.arg(days).arg(clock) : clock;
}

QString formatSpeed(double speed) {
    if (!(speed > 0))
        return u"max"_s;
    return QLocale().toString(speed, 'g', 4) + u"×"_s;
}

QString formatCount(std::uint64_t value) {
    return QLocale().toString(static_cast<qulonglong>(value));
}

QString formatMs(double ms) {
    if (!std::isfinite(ms))
        return u"–"_s;
    const QLocale locale;
    if (ms < 1)
        return locale.toString(ms, 'f', 2) + u" ms"_s;
    if (ms < 100)
        return locale.toString(ms, 'f', 1) + u" ms"_s;
    return locale.toString(std::round(ms), 'f', 0) + u" ms"_s;
}

QString formatSeconds(double seconds) {
    if (!std::isfinite(seconds))
        return u"–"_s;
    const QLocale locale;
    if (seconds < 10)
        return locale.toString(seconds, 'f', 1) + u" s"_s;
    if (seconds < 120)
        return locale.toString(std::round(seconds), 'f', 0) + u" s"_s;
    const auto whole = static_cast<std::int64_t>(std::round(seconds));
    if (whole < 2 * 3600)
        return u"%1 min %2 s"_s.arg(whole / 60).arg(whole % 60);
    // Holds run to days (a 7-day availability gate): "10080 min 0 s" read
    // as nothing at all.
    if (whole < 2 * 86400)
        return u"%1 h %2 min"_s.arg(whole / 3600).arg((whole % 3600) / 60);
    return u"%1 d %2 h"_s.arg(whole / 86400).arg((whole % 86400) / 3600);
}

QString formatPercent(double fraction) {
    if (!std::isfinite(fraction))
        return u"–"_s;
    const double percent = fraction * 100.0;
    const QLocale locale;
    if (percent == 0)
        return u"0 %"_s;
    if (percent < 0.1)
        return locale.toString(percent, 'f', 3) + u" %"_s;
    if (percent < 10)
        return locale.toString(percent, 'f', 2) + u" %"_s;
    return locale.toString(percent, 'f', 1) + u" %"_s;
}

QString formatFileSize(qint64 bytes) {
    const QLocale locale;
    if (bytes < 1024)
        return bytes == 1 ? u"1 byte"_s : u"%1 bytes"_s.arg(locale.toString(bytes));
    if (bytes < 1024 * 1024)
        return u"%1 KB"_s.arg(locale.toString(static_cast<double>(bytes) / 1024, 'f', 1));
    return u"%1 MB"_s.arg(locale.toString(static_cast<double>(bytes) / (1024 * 1024), 'f', 1));
}

}  // namespace pulsco
