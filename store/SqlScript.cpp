#include "store/SqlScript.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

bool isTrigger(const QString& statement) {
    static const QRegularExpression re(u"^\\s*CREATE\\s+(TEMP\\s+|TEMPORARY\\s+)?TRIGGER\\b"_s,
                                       QRegularExpression::CaseInsensitiveOption);
    return re.match(statement).hasMatch();
}

bool endsTriggerBody(const QString& statement) {
    static const QRegularExpression re(u"\\bEND\\s*$"_s, QRegularExpression::CaseInsensitiveOption);
    return re.match(statement).hasMatch();
}

}  // namespace

QStringList splitSqlScript(const QString& script) {
    QStringList out;
    QString current;
    const auto flush = [&] {
        const QString s = current.trimmed();
        if (!s.isEmpty())
            out << s;
        current.clear();
    };
    for (qsizetype i = 0; i < script.size(); ++i) {
        const QChar c = script[i];
        if (c == u'-' && i + 1 < script.size() && script[i + 1] == u'-') {
            while (i < script.size() && script[i] != u'\n')
                ++i;
            current += u'\n';
            continue;
        }
        if (c == u'/' && i + 1 < script.size() && script[i + 1] == u'*') {
            const qsizetype end = script.indexOf(u"*/"_s, i + 2);
            i = end < 0 ? script.size() : end + 1;
            current += u' ';
            continue;
        }
        if (c == u'\'' || c == u'"') {
            const qsizetype start = i;
            ++i;
            while (i < script.size()) {
                if (script[i] == c) {
                    if (i + 1 < script.size() && script[i + 1] == c) {
                        i += 2;  // doubled quote inside a literal
                        continue;
                    }
                    break;
                }
                ++i;
            }
            current += script.mid(start, i - start + 1);
            continue;
        }
        if (c == u';') {
            if (isTrigger(current) && !endsTriggerBody(current.trimmed())) {
                current += c;  // a statement inside the trigger body
                continue;
            }
            flush();
            continue;
        }
        current += c;
    }
    flush();
    return out;
}

}  // namespace pulsco
