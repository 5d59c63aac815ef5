// The one Markdown-to-PDF writer: real PDFs written to a temporary folder
// (checked by their %PDF header and size, images embedded), rendered back to
// pixels with poppler's pdftoppm to prove every chart is on the page and not
// Qt's 16-pixel stand-in, and failures on paths that cannot be written, named
// in the error, leaving no file behind.
#include "support/PdfPages.h"
#include "ui/MarkdownPdfWriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <array>
#include <cstdlib>

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

    // What a reader sees: the PDF rendered to PNG pages, and for each chart
    // the pixels of its own colour counted. A chart the writer lost shows as
    // Qt's 16x16 file icon (or nothing): a few hundred pixels at most, where
    // a real chart covers tens of thousands.
    void embedsEveryChartAsPixels_data() {
        QTest::addColumn<QStringList>("captions");  // one chart each
        QTest::addColumn<QSize>("chartSize");
        const QString automatic = u"Rollout 2 at its rollback (source time 1834 s): trigger "
                                  u"fired: Error rate > 5% (rate(green.errors) > 5%)"_s;
        const QString analysis =
            u"Rollout 3 at its rollback (source time 640 s): analysis failed 2 of 3 "
            u"measurements: rate(green.errors) < 0.1% and p(95)(green.api_latency_ms) < 150"_s;
        const QString manual =
            u"Rollout 1 at its rollback (source time 800 s): rolled back: by Ana Operator: "
            u"manual rollback [ticket *OPS-12*]"_s;
        // Qt's importer printed an image once per run of its alt text.
        const QString markup = u"Rollout 4 at its rollback (source time 9 s): `code`, "
                               u"&amp; <b>bold</b> \\* _under_ **strong** ~x~ [a [b]]"_s;
        const QSize chart(1000, 320);  // ReportExport's size
        QTest::addRow("one chart") << QStringList{manual} << chart;
        QTest::addRow("automatic rollback") << QStringList{automatic} << chart;
        QTest::addRow("analysis failure") << QStringList{analysis} << chart;
        QTest::addRow("three charts") << QStringList{manual, automatic, analysis} << chart;
        QTest::addRow("markup in the caption") << QStringList{markup, manual} << chart;
        // The count must be able to say "no chart": an icon-sized image.
        QTest::addRow("control: a 16-pixel image") << QStringList{manual} << QSize(16, 16);
    }
    void embedsEveryChartAsPixels() {
        QFETCH(QStringList, captions);
        QFETCH(QSize, chartSize);
        const bool realChart = chartSize.width() > 100;
        if (test::pdftoppmPath().isEmpty())
            QSKIP("pdftoppm is not installed (poppler-utils; tools/install-deps.sh installs it)");
        QTemporaryDir dir;
        const QString path = dir.filePath(u"report.pdf"_s);
        // Distinct, saturated colours no text or rule on the page uses.
        const std::array<QColor, 3> colours{QColor(0, 140, 140), QColor(150, 0, 150),
                                            QColor(200, 120, 0)};
        MarkdownPdf pdf{u"# Rollout report\n\n"_s + u"filler line\n\n"_s.repeated(50) +
                            u"## Charts at the rollbacks\n\n"_s,
                        u"Test report"_s,
                        {}};
        for (int i = 0; i < captions.size(); ++i) {
            const QString name = u"rollout-%1-rollback-%2.png"_s.arg(i + 1).arg(24 + i);
            pdf.markdown += u"%1\n\n![%1](%2)\n\n"_s.arg(captions[i], name);
            QImage chart(chartSize, QImage::Format_ARGB32_Premultiplied);
            chart.fill(colours[std::size_t(i)]);
            pdf.images.push_back({name, chart});
        }
        QString error;
        WrittenPdf written;
        QVERIFY2(writeMarkdownPdf(pdf, path, &error, &written), qPrintable(error));
        QCOMPARE(written.images, int(captions.size()));
        QCOMPARE(written.path, QFileInfo(path).absoluteFilePath());
        QCOMPARE(written.bytes, QFileInfo(path).size());
        QVERIFY(written.pages >= 2);  // 50 filler paragraphs push the charts on

        constexpr int kDpi = 50;  // enough to count pixels, fast to render
        const auto pages = test::renderPdfPages(path, kDpi, &error);
        QVERIFY2(pages, qPrintable(error));
        const qint64 nonWhite =
            test::countPixels(*pages, [](const QColor& c) { return c.lightness() < 250; });
        std::array<qint64, 3> pixels{};
        for (std::size_t k = 0; k < colours.size(); ++k)
            pixels[k] = test::countPixels(*pages, [&](const QColor& c) {
                return std::abs(c.red() - colours[k].red()) < 12 &&
                       std::abs(c.green() - colours[k].green()) < 12 &&
                       std::abs(c.blue() - colours[k].blue()) < 12;
            });
        QVERIFY2(nonWhite > 0, "every page rendered blank");
        // A chart scaled to A4's text width (180 mm) keeps its 1000:320
        // shape: about 354 x 113 pixels at 50 dpi. Half of that is plenty to
        // tell a chart from a 16-pixel icon (at most ~70 pixels here).
        const qint64 chartPixels = qint64(180 / 25.4 * kDpi) * qint64(180 / 25.4 * kDpi * 0.32);
        for (int i = 0; i < captions.size(); ++i) {
            const qint64 seen = pixels[std::size_t(i)];
            if (realChart)
                // Once, not once per run of its alt text (Qt's importer did).
                QVERIFY2(
                    seen > chartPixels / 2 && seen < chartPixels * 3 / 2,
                    qPrintable(
                        u"chart %1: %2 of about %3 pixels on the pages"_s.arg(i + 1).arg(seen).arg(
                            chartPixels)));
            else
                QVERIFY2(seen < 200, qPrintable(QString::number(seen)));
        }
    }

    // A Markdown that shows an image nobody supplied is refused, naming it:
    // printed, it would be Qt's 16-pixel icon where the chart belongs.
    void refusesAnImageNotSupplied() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"report.pdf"_s);
        QImage chart(400, 100, QImage::Format_RGB32);
        chart.fill(Qt::darkCyan);
        const MarkdownPdf pdf{u"| chart |\n|---|\n| ![a](a.png) |\n\n![b](b.png)\n"_s,
                              u"Test"_s,
                              {{u"a.png"_s, chart}}};
        QString error;
        QVERIFY(!writeMarkdownPdf(pdf, path, &error));
        QVERIFY2(error.startsWith(path + u": cannot write the PDF: "_s) &&
                     error.contains(u"b.png"_s) && !error.contains(u"a.png"_s),
                 qPrintable(error));
        QVERIFY(!QFileInfo::exists(path));
        // Both supplied: written, and both counted (the one in a table too).
        MarkdownPdf both = pdf;
        both.images.push_back({u"b.png"_s, chart});
        WrittenPdf written;
        QVERIFY2(writeMarkdownPdf(both, path, &error, &written), qPrintable(error));
        QCOMPARE(written.images, 2);
        QCOMPARE(written.pages, 1);
        const QString text = describeWrittenPdf(written);
        QVERIFY2(text.startsWith(QFileInfo(path).absoluteFilePath() + u" (1 page, 2 charts, "_s) &&
                     text.endsWith(u" KB)"_s),
                 qPrintable(text));
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
