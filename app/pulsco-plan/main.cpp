// pulsco-plan: the rollout plan's tools.
//
//   pulsco-plan import-analysis FILE [--interval-s N] [--count N] [--to FILE]
//
// Reads a Kayenta canary config (.json) or an Argo Rollouts AnalysisTemplate
// (.yaml, .yml) and writes one analysis step, as the step editor and the
// plan's blue_green.steps take it (a JSON array of one step). What does not
// map is an error naming the file, the field and why (exit 1); what was read
// but has nothing to do here is said on stderr. Exit 2 for bad usage.
// docs/canary.md, "Importing Kayenta and Argo Rollouts analysis".
#include "rollout/AnalysisImport.h"
#include "rollout/RolloutPlanJson.h"

#include "app/CliOutput.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QTextStream>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

constexpr const char* kUsage =
    "usage: pulsco-plan import-analysis FILE [--interval-s N] [--count N] [--to FILE]\n"
    "  a Kayenta canary config (.json) or an Argo Rollouts AnalysisTemplate (.yaml, .yml)\n"
    "  as one analysis step (JSON, to FILE or stdout). Kayenta leaves the run's length to\n"
    "  its execution request: --interval-s (default 30) and --count (default 10) set it.\n";

int importAnalysis(const QStringList& args, QTextStream& err) {
    QString from, toPath;
    double interval = 30;
    int count = 10;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        const bool hasValue = i + 1 < args.size();
        bool ok = true;
        if (a == u"--to"_s && hasValue) {
            toPath = args[++i];
        } else if (a == u"--interval-s"_s && hasValue) {
            interval = args[++i].toDouble(&ok);
            ok = ok && interval >= 1 && interval <= 86400;
        } else if (a == u"--count"_s && hasValue) {
            count = args[++i].toInt(&ok);
            ok = ok && count >= 1 && count <= 10000;
        } else if (!a.startsWith(u"--"_s) && from.isEmpty()) {
            from = a;
        } else {
            err << "pulsco-plan import-analysis: " << a
                << (a.startsWith(u"--"_s) ? ": unknown flag or missing value"
                                          : ": unexpected argument")
                << '\n'
                << kUsage;
            return 2;
        }
        if (!ok) {
            err << "pulsco-plan import-analysis: " << a << ' ' << args[i]
                << ": must be a number of seconds from 1 to 86400 (--interval-s) or a count "
                   "from 1 to 10000 (--count)\n";
            return 2;
        }
    }
    if (from.isEmpty()) {
        err << "pulsco-plan import-analysis: needs the file to read\n" << kUsage;
        return 2;
    }
    const AnalysisImport imported = importAnalysisFile(from, interval, count);
    if (!imported.step) {
        err << "pulsco-plan import-analysis: " << imported.error << '\n';
        return 1;
    }
    for (const QString& note : imported.notes)
        err << "pulsco-plan import-analysis: note: " << note << '\n';
    const QByteArray json =
        QJsonDocument(trafficStepsToJson({*imported.step})).toJson(QJsonDocument::Indented);
    return cli::writeOutput(json, toPath, err, u"pulsco-plan import-analysis"_s,
                            u"one analysis step"_s);
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QTextStream err(stderr);
    const QStringList args = app.arguments().mid(1);
    if (args.isEmpty() || args.first() == u"--help"_s || args.first() == u"-h"_s) {
        QTextStream(stdout) << kUsage;
        return args.isEmpty() ? 2 : 0;
    }
    if (args.first() == u"import-analysis"_s)
        return importAnalysis(args.mid(1), err);
    err << "pulsco-plan: " << args.first() << ": not a command (import-analysis)\n" << kUsage;
    return 2;
}
