// pulsco-rules: the console's alert rules in Prometheus' rule format.
//
//   pulsco-rules export [--rules FILE] [--to FILE]
//   pulsco-rules import FILE.yml [--to FILE.json]
//
// Writes the rule file (stdout without --to; the shipped rules without
// --rules) and says on stderr which rules have no PromQL counterpart.
// Exit codes: 0 written, 1 the rules or the file could not be read or
// written, 2 bad usage. `make alert-rules` regenerates
// resources/alerts/pulsco.rules.yml with it. docs/prometheus.md.
#include "drills/AlertRuleJson.h"
#include "drills/PrometheusRules.h"

#include "app/CliOutput.h"

#include <QCoreApplication>
#include <QFile>
#include <QTextStream>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

constexpr const char* kUsage =
    "usage: pulsco-rules export [--rules FILE] [--to FILE]\n"
    "  the console's alert rules (FILE, or the shipped ones) as a Prometheus rule file\n"
    "  (to FILE, or stdout); rules with no PromQL counterpart are named on stderr\n"
    "       pulsco-rules import FILE.yml [--to FILE.json]\n"
    "  a Prometheus rule file as the console's rules (JSON, to FILE or stdout); a rule\n"
    "  outside the PromQL the console reads is an error naming it (exit 1)\n";

int exportRules(const QStringList& args, QTextStream& err) {
    QString rulesPath, toPath;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        if ((a == u"--rules"_s || a == u"--to"_s) && i + 1 < args.size()) {
            (a == u"--rules"_s ? rulesPath : toPath) = args[++i];
            continue;
        }
        err << "pulsco-rules export: " << a
            << (a.startsWith(u"--"_s) ? ": unknown flag or missing value" : ": unexpected argument")
            << '\n'
            << kUsage;
        return 2;
    }
    const AlertRulesLoad load =
        rulesPath.isEmpty() ? loadDefaultAlertRules() : loadAlertRulesFile(rulesPath);
    if (!load.rules) {
        err << "pulsco-rules export: " << load.error << '\n';
        return 1;
    }
    const PrometheusRulesExport out = exportPrometheusRules(
        *load.rules, rulesPath.isEmpty() ? u"resources/alerts/default-rules.json"_s : rulesPath);
    for (const QString& left : out.left)
        err << "pulsco-rules export: left out: " << left << '\n';
    return cli::writeOutput(out.yaml, toPath, err, u"pulsco-rules export"_s,
                            u"%1 rules"_s.arg(out.exported));
}

int importRules(const QStringList& args, QTextStream& err) {
    QString from, toPath;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == u"--to"_s && i + 1 < args.size()) {
            toPath = args[++i];
        } else if (!args[i].startsWith(u"--"_s) && from.isEmpty()) {
            from = args[i];
        } else {
            err << "pulsco-rules import: " << args[i] << ": unexpected argument\n" << kUsage;
            return 2;
        }
    }
    if (from.isEmpty()) {
        err << "pulsco-rules import: needs the rule file to read\n" << kUsage;
        return 2;
    }
    QFile in(from);
    if (!in.open(QIODevice::ReadOnly)) {
        err << "pulsco-rules import: " << from << ": " << in.errorString() << '\n';
        return 1;
    }
    const AlertRulesLoad load = importPrometheusRules(in.readAll(), from);
    if (!load.rules) {
        err << "pulsco-rules import: " << load.error << '\n';
        return 1;
    }
    return cli::writeOutput(alertRulesToJson(*load.rules), toPath, err, u"pulsco-rules import"_s,
                            u"%1 rules"_s.arg(load.rules->size()));
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
    if (args.first() == u"export"_s)
        return exportRules(args.mid(1), err);
    if (args.first() == u"import"_s)
        return importRules(args.mid(1), err);
    err << "pulsco-rules: " << args.first() << ": not a command (export, import)\n" << kUsage;
    return 2;
}
