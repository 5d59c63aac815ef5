// The one Markdown-to-PDF writer: real PDFs written to a temporary folder
// (checked by their %PDF header and size, images embedded), and failures on
// paths that cannot be written, named in the error, leaving no file behind.
#include "ui/MarkdownPdfWriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

class TestMarkdownPdfWriter : public QObject {
    Q_OBJECT
private slots:
    void writesACheckedPdf_data() {
        QTest::addColumn<QString>("markdown");
        QTest::addColumn<int>("imageWidth");  // 0 = no image
        QTest::addRow("heading and text") << u"# Report\n\nAll fine."_s << 0;
        QTest::addRow("table") << u"| a | b |\n|---|---|\n| 1 | 2 \\| 3 |\n"_s << 0;
        QTest::addRow("many pages") << u"line\n\n"_s.repeated(400) << 0;
        QTest::addRow("narrow image") << u"# Chart\n\n![chart](chart.png)\n"_s << 300;
        QTest::addRow("image wider than the page") << u"![chart](chart.png)\n"_s << 1000;
    }
    void writesACheckedPdf() {
        QFETCH(QString, markdown);
        QFETCH(int, imageWidth);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"report.pdf"_s);
        MarkdownPdf pdf{markdown, u"Test report"_s, {}};
        if (imageWidth > 0) {
            QImage image(imageWidth, 200, QImage::Format_RGB32);
            image.fill(Qt::darkCyan);
            pdf.images.push_back({u"chart.png"_s, image});
        }
        QString error;
        QVERIFY2(writeMarkdownPdf(pdf, path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(bytes.startsWith("%PDF-"));
        QVERIFY2(bytes.size() > 1000, qPrintable(QString::number(bytes.size())));
        // The image itself, not Qt's 16-pixel "missing image" stand-in, and
        // no wider than A4's text width (about 670 layout pixels).
        int widest = 0;
        const QRegularExpression width(u"/Width (\\d+)"_s);
        for (auto m = width.globalMatch(QString::fromLatin1(bytes)); m.hasNext();)
            widest = std::max(widest, m.next().captured(1).toInt());
        if (imageWidth == 0)
            QCOMPARE(widest, 0);
        else if (imageWidth < 600)
            QCOMPARE(widest, imageWidth);
        else
            QVERIFY2(widest > 600 && widest < 700, qPrintable(QString::number(widest)));
    }

    void refusesWhatCannotBeWritten_data() {
        QTest::addColumn<QString>("blocker");  // made a file first, under the temporary dir
        QTest::addColumn<QString>("target");
        QTest::addRow("folder missing") << QString() << u"missing/report.pdf"_s;
        QTest::addRow("a file where the folder should be") << u"file"_s << u"file/report.pdf"_s;
        QTest::addRow("a folder where the file should be") << u"report.pdf/x"_s << u"report.pdf"_s;
    }
    void refusesWhatCannotBeWritten() {
        QFETCH(QString, blocker);
        QFETCH(QString, target);
        QTemporaryDir dir;
        if (!blocker.isEmpty()) {
            QVERIFY(QDir().mkpath(QFileInfo(dir.filePath(blocker)).absolutePath()));
            QFile f(dir.filePath(blocker));
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        const QString path = dir.filePath(target);
        QString error;
        QVERIFY(!writeMarkdownPdf({u"# Report"_s, u"Test"_s, {}}, path, &error));
        QVERIFY2(error.startsWith(path + u": cannot write the PDF: "_s), qPrintable(error));
        QVERIFY(!QFileInfo(path).isFile());
    }
};

QTEST_MAIN(TestMarkdownPdfWriter)
#include "tst_markdownpdfwriter.moc"
