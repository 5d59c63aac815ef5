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
    // Scaled down to the text width when wider.
    std::vector<MarkdownImage> images;
};

// Writes `pdf` to `path` (replacing it only when the whole PDF was written)
// and checks the file: it exists, is not empty and starts with "%PDF". On
// failure returns false and *error naming the file and why.
bool writeMarkdownPdf(const MarkdownPdf& pdf, const QString& path, QString* error);

}  // namespace pulsco
