// A PDF as its reader sees it: pages rendered to images by poppler's
// pdftoppm (poppler-utils, installed by tools/install-deps.sh), for tests
// that check an exported report shows its charts, not blanks or icons.
#pragma once

#include <QColor>
#include <QDir>
#include <QImage>
#include <QList>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>

#include <optional>

namespace pulsco::test {

inline QString pdftoppmPath() {
    return QStandardPaths::findExecutable(QStringLiteral("pdftoppm"));
}

// Every page of `pdf` at `dpi`, in order; nullopt and *error on failure.
inline std::optional<QList<QImage>> renderPdfPages(const QString& pdf, int dpi, QString* error) {
    QTemporaryDir dir;
    QProcess render;
    render.start(pdftoppmPath(),
                 {QStringLiteral("-r"), QString::number(dpi), QStringLiteral("-png"), pdf,
                  dir.filePath(QStringLiteral("page"))});
    if (!render.waitForFinished(60000) || render.exitStatus() != QProcess::NormalExit ||
        render.exitCode() != 0) {
        *error = QStringLiteral("pdftoppm failed on %1: %2")
                     .arg(pdf, QString::fromLocal8Bit(render.readAllStandardError()));
        return std::nullopt;
    }
    QList<QImage> pages;
    // pdftoppm pads page numbers to the same width, so names sort in order.
    for (const QString& name :
         QDir(dir.path()).entryList({QStringLiteral("page*.png")}, QDir::Files, QDir::Name)) {
        QImage page(dir.filePath(name));
        if (page.isNull()) {
            *error = QStringLiteral("%1: not a readable PNG").arg(name);
            return std::nullopt;
        }
        pages << page.convertToFormat(QImage::Format_RGB32);
    }
    if (pages.isEmpty())
        *error = QStringLiteral("pdftoppm wrote no page for %1").arg(pdf);
    return pages.isEmpty() ? std::nullopt : std::optional(pages);
}

// Pixels `accept` says yes to, over all pages.
template <typename Accept>
qint64 countPixels(const QList<QImage>& pages, Accept accept) {
    qint64 n = 0;
    for (const QImage& page : pages) {
        for (int y = 0; y < page.height(); ++y) {
            const auto* line = reinterpret_cast<const QRgb*>(page.constScanLine(y));
            for (int x = 0; x < page.width(); ++x)
                n += accept(QColor(line[x])) ? 1 : 0;
        }
    }
    return n;
}

}  // namespace pulsco::test
