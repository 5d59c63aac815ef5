// Markdown to PDF, the one way the console prints a report (drill debriefs,
// rollout reports): QTextDocument lays the Markdown out on A4 with 15 mm
// margins at 300 dpi, QPdfWriter writes it, and the result is checked.
#pragma once

#include <QImage>
#include <QString>

#include <vector>

namespace pulsco {

// An image the Markdown shows as ![caption](name).
struct MarkdownImage {
    QString name;
    QImage image;
};

struct MarkdownPdf {
    QString markdown;
    QString title;  // the PDF's document title
    // Scaled down to the text width when wider. Every image the Markdown
    // shows must be here: a missing one is refused, never printed as Qt's
    // 16-pixel "missing image" icon.
    std::vector<MarkdownImage> images;
};

// What was written, for the confirmation an export shows.
struct WrittenPdf {
    QString path;  // absolute
    qint64 bytes = 0;
    int pages = 0;
    int images = 0;  // images placed on the pages
};

// Writes `pdf` to `path` (replacing it only when the whole PDF was written)
// and checks the file: it exists, is not empty and starts with "%PDF". On
// failure returns false and *error naming the file and why; on success fills
// *written when given.
bool writeMarkdownPdf(const MarkdownPdf& pdf, const QString& path, QString* error,
                      WrittenPdf* written = nullptr);

// "/home/ana/report.pdf (3 pages, 1 chart, 142.0 KB)": where the file is and
// enough of what is in it to trust it without opening it.
QString describeWrittenPdf(const WrittenPdf& written);

}  // namespace pulsco
