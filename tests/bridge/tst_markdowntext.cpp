// markdownTableCell, the one cell escaping of the rollout and drill reports:
// pipes are escaped, newlines become spaces, and nothing else changes (the
// rows pin the behaviour the two reports had when each kept its own copy).
#include "bridge/MarkdownText.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestMarkdownText : public QObject {
    Q_OBJECT
private slots:
    void escapesOneCell_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("cell");
        QTest::addRow("empty") << QString() << QString();
        QTest::addRow("plain") << u"Ana Operator"_s << u"Ana Operator"_s;
        QTest::addRow("pipe") << u"a|b"_s << u"a\\|b"_s;
        QTest::addRow("pipes at both ends") << u"|x|"_s << u"\\|x\\|"_s;
        QTest::addRow("newline") << u"line one\nline two"_s << u"line one line two"_s;
        QTest::addRow("two newlines") << u"a\n\nb"_s << u"a  b"_s;
        QTest::addRow("carriage return kept") << u"a\r\nb"_s << u"a\r b"_s;
        QTest::addRow("backslash kept") << u"C:\\drills"_s << u"C:\\drills"_s;
        QTest::addRow("escaped pipe escaped again") << u"a\\|b"_s << u"a\\\\|b"_s;
        QTest::addRow("pipe and newline")
            << u"shed | eu\nthen asia"_s << u"shed \\| eu then asia"_s;
        QTest::addRow("markdown kept") << u"**bold** `code`"_s << u"**bold** `code`"_s;
        QTest::addRow("non-ASCII") << u"☑ — é|ü"_s << u"☑ — é\\|ü"_s;
    }
    void escapesOneCell() {
        QFETCH(QString, text);
        QFETCH(QString, cell);
        QCOMPARE(pulsco::markdownTableCell(text), cell);
    }
};

QTEST_GUILESS_MAIN(TestMarkdownText)
#include "tst_markdowntext.moc"
