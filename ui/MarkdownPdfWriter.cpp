#include "ui/MarkdownPdfWriter.h"

#include "ui/Format.h"

#include <QFile>
#include <QFileInfo>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>
#include <QTextBlock>
#include <QTextDocument>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr int kDpi = 300;
constexpr double kMarginMm = 15;
// QTextDocument's units: fonts and images keep their on-screen size.
constexpr double kLayoutDpi = 96;

bool fail(QString* error, const QString& path, const QString& why) {
    if (error)
        *error = u"%1: cannot write the PDF: %2"_s.arg(path, why);
    return false;
}

// Qt's Markdown importer inserts an image once per text run of its alt text,
// so `![a *b* c](x.png)` printed x.png three times. Alt text is not printed,
// so each image's alt text is cut to one plain run before parsing: markup,
// escapes, entities and nested brackets removed.
QString withPlainAltTexts(const QString& markdown) {
    static const QRegularExpression markup(uR"([\\`*_~<>&\[\]!])"_s);
    QString out;
    qsizetype from = 0;
    const qsizetype n = markdown.size();
    for (qsizetype i = markdown.indexOf(u"!["_s); i >= 0; i = markdown.indexOf(u"!["_s, i + 2)) {
        if (i < from)
            continue;
        // The alt text runs to the bracket that balances "![" (CommonMark
        // allows balanced brackets and escapes inside), then "(" follows.
        int depth = 1;
        qsizetype j = i + 2;
        for (; j < n && depth > 0; ++j) {
            if (markdown[j] == u'\\')
                ++j;
            else if (markdown[j] == u'[')
                ++depth;
            else if (markdown[j] == u']')
                --depth;
        }
        if (depth != 0 || j >= n || markdown[j] != u'(')
            continue;
        out += QStringView(markdown).mid(from, i + 2 - from);
        out += markdown.mid(i + 2, j - 1 - (i + 2)).remove(markup).simplified();
        from = j - 1;  // the closing bracket, then the link as written
    }
    return out + QStringView(markdown).mid(from);
}

// The names of the images the laid-out document shows, in order (table
// cells included: their blocks are the document's blocks too).
QStringList imagesShown(const QTextDocument& document) {
    QStringList names;
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextCharFormat format = it.fragment().charFormat();
            if (format.isImageFormat())
                names << format.toImageFormat().name();
        }
    }
    return names;
}

}  // namespace

bool writeMarkdownPdf(const MarkdownPdf& pdf, const QString& path, QString* error,
                      WrittenPdf* written) {
    // An image the Markdown shows but nobody supplied would print as Qt's
    // 16-pixel "missing image" icon where a chart belongs: refused below,
    // once the Markdown is parsed and before anything is printed.
    QSet<QString> supplied;
    for (const MarkdownImage& i : pdf.images) {
        if (i.image.isNull())
            return fail(error, path, u"the image %1 is empty"_s.arg(i.name));
        supplied.insert(i.name);
    }
    int pages = 0;
    int shown = 0;
    QSaveFile file(path);  // all or nothing: a failed export leaves no half file
    if (!file.open(QIODevice::WriteOnly))
        return fail(error, path, file.errorString());
    {
        QPdfWriter writer(&file);
        writer.setTitle(pdf.title);
        writer.setCreator(u"Pulsco Ops Console"_s);
        writer.setResolution(kDpi);
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                         QMarginsF(kMarginMm, kMarginMm, kMarginMm, kMarginMm),
                                         QPageLayout::Millimeter));
        QTextDocument document;
        document.setDefaultStyleSheet(
            u"table { border-collapse: collapse; } td, th { padding: 3px; }"_s);
        // Paginated here, over the page's printable area: left to itself,
        // print() lays out a copy of the document with 2 cm margins of its
        // own inside the page's.
        document.setPageSize(writer.pageLayout().paintRect(QPageLayout::Inch).size() * kLayoutDpi);
        const int textWidth =
            static_cast<int>(document.pageSize().width() - 2 * document.documentMargin());
        document.setMarkdown(withPlainAltTexts(pdf.markdown));
        const QStringList names = imagesShown(document);
        for (const QString& name : names) {
            if (!supplied.contains(name)) {
                file.cancelWriting();
                return fail(error, path,
                            u"the report shows the image %1, which was not supplied"_s.arg(name));
            }
        }
        shown = int(names.size());
        // After setMarkdown(): it clears the document, resources included.
        for (const MarkdownImage& i : pdf.images)
            document.addResource(QTextDocument::ImageResource, QUrl(i.name),
                                 i.image.width() > textWidth
                                     ? i.image.scaledToWidth(textWidth, Qt::SmoothTransformation)
                                     : i.image);
        document.print(&writer);
        pages = document.pageCount();
    }  // the writer has finished the PDF here
    if (!file.commit())
        return fail(error, path, file.errorString());
    QFile check(path);
    if (!check.open(QIODevice::ReadOnly) || check.size() == 0 || check.read(4) != "%PDF")
        return fail(error, path, u"the file is missing or not a PDF"_s);
    if (written)
        *written = {QFileInfo(path).absoluteFilePath(), check.size(), pages, shown};
    return true;
}

QString describeWrittenPdf(const WrittenPdf& written) {
    // Every image a report prints is a chart (rollout rollbacks).
    QStringList parts{written.pages == 1 ? u"1 page"_s : u"%1 pages"_s.arg(written.pages)};
    if (written.images > 0)
        parts << (written.images == 1 ? u"1 chart"_s : u"%1 charts"_s.arg(written.images));
    parts << formatFileSize(written.bytes);
    return u"%1 (%2)"_s.arg(written.path, parts.join(u", "_s));
}

}  // namespace pulsco
