// The real pulsco-console as a child process of a test: its path, and an
// environment that renders offscreen and keeps the user's settings and
// console store out of reach (both under a temporary home).
#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QTemporaryDir>

namespace pulsco::test {

inline QString consoleBinary() {
    return QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-console");
}

inline QProcessEnvironment isolatedEnvironment(const QTemporaryDir& home) {
    using namespace Qt::StringLiterals;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u"config"_s));
    env.insert(u"XDG_DATA_HOME"_s, home.filePath(u"data"_s));
    return env;
}

}  // namespace pulsco::test
