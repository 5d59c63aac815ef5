#include "ui/MarkdownPdfWriter.h"

#include <QFile>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
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

}  // namespace

bool writeMarkdownPdf(const MarkdownPdf& pdf, const QString& path, QString* error) {
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
        document.setMarkdown(pdf.markdown);
        // After setMarkdown(): it clears the document, resources included.
        for (const MarkdownImage& i : pdf.images)
            document.addResource(QTextDocument::ImageResource, QUrl(i.name),
                                 i.image.width() > textWidth
                                     ? i.image.scaledToWidth(textWidth, Qt::SmoothTransformation)
                                     : i.image);
        document.print(&writer);
    }  // the writer has finished the PDF here
    if (!file.commit())
        return fail(error, path, file.errorString());
    QFile written(path);
    if (!written.open(QIODevice::ReadOnly) || written.size() == 0 || written.read(4) != "%PDF")
        return fail(error, path, u"the file is missing or not a PDF"_s);
    return true;
}

}  // namespace pulsco
