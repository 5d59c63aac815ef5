// console benchmark: runs the real pulsco-console offscreen on baseline-1000
// at 100x for 60 wall seconds with its hidden UI probe, then prints
//   console.ui_stall_p99_ms  p99 lateness of a 5 ms timer on the UI thread
//   console.cpu_cores        process CPU time / wall time
//   console.peak_rss_mb      peak resident memory
//   console.first_frame_ms   launch to the first painted dashboard with data
// Environment: PULSCO_CONSOLE_BENCH_SECONDS overrides the 60 s (for quick runs).
#include "BenchReport.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    const QString binary = QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-console");
    if (!QFile::exists(binary)) {
        std::printf("bench_console: %s not built; skipped\n", qPrintable(binary));
        return 0;
    }
    bool ok = false;
    int seconds = qEnvironmentVariableIntValue("PULSCO_CONSOLE_BENCH_SECONDS", &ok);
    if (!ok || seconds <= 0)
        seconds = 60;

    QTemporaryDir dir;
    const QString report = dir.filePath(u"report.json"_s);
    QProcess console;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!env.contains(u"QT_QPA_PLATFORM"_s))
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s));
    console.setProcessEnvironment(env);
    console.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const QStringList args{
        u"--simulate"_s,   u"baseline-1000"_s,       u"--speed"_s,        u"100"_s,
        u"--quit-after"_s, QString::number(seconds), u"--bench-report"_s, report};
    const double launchEpochMs = static_cast<double>(QDateTime::currentMSecsSinceEpoch());
    console.start(binary, args);
    if (!console.waitForFinished((seconds + 60) * 1000) || console.exitCode() != 0) {
        std::printf("bench_console: pulsco-console did not finish cleanly (exit %d)\n",
                    console.exitCode());
        console.kill();
        return 0;
    }
    QFile file(report);
    if (!file.open(QIODevice::ReadOnly)) {
        std::printf("bench_console: no report written\n");
        return 0;
    }
    const QJsonObject r = QJsonDocument::fromJson(file.readAll()).object();
    const double wall = r.value(u"wall_seconds"_s).toDouble();
    const double firstFrame = r.value(u"first_frame_epoch_ms"_s).toDouble();
    std::printf(
        "bench_console: %d s at 100x, %.0f UI probe ticks, stall p50 %.2f ms, max %.1f ms\n",
        seconds, r.value(u"ui_ticks"_s).toDouble(), r.value(u"ui_stall_p50_ms"_s).toDouble(),
        r.value(u"ui_stall_max_ms"_s).toDouble());
    pulsco::bench::report("console.ui_stall_p99_ms", r.value(u"ui_stall_p99_ms"_s).toDouble(),
                          "ms");
    pulsco::bench::report("console.cpu_cores",
                          wall > 0 ? r.value(u"cpu_seconds"_s).toDouble() / wall : 0, "cores");
    pulsco::bench::report("console.peak_rss_mb", r.value(u"peak_rss_mb"_s).toDouble(), "MB");
    if (firstFrame > 0)
        pulsco::bench::report("console.first_frame_ms", firstFrame - launchEpochMs, "ms");
    else
        std::printf("bench_console: no dashboard frame was painted\n");
    return 0;
}
