// Child process of tst_auditcrash: appends audit rows as fast as it can and
// prints "ack <id>" after each committed one, until it is killed.
#include "store/AuditTrail.h"
#include "store/ConsoleStore.h"

#include <QCoreApplication>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace pulsco;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc < 3)
        return 2;
    QString error;
    auto store = ConsoleStore::open(QString::fromLocal8Bit(argv[1]), &error);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    AuditTrail trail(*store);
    const QString actor = QString::fromLocal8Bit(argv[2]);
    for (qint64 n = 0;; ++n) {
        AuditEntry e;
        e.actor = actor;
        e.kind = n % 2 ? audit::kItemUnchecked : audit::kItemChecked;
        e.plan = u"crash-test"_s;
        e.subject = u"item-%1"_s.arg(n % 113);
        e.evidence = QByteArray(R"({"n":)") + QByteArray::number(n) + "}";
        const auto id = trail.append(e, &error);
        if (!id) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        std::printf("ack %lld\n", static_cast<long long>(*id));
        std::fflush(stdout);
    }
}
