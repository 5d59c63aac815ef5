#include "ui/Theme.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

#include <array>

namespace pulsco {

using namespace Qt::StringLiterals;

QString themeKey(Theme theme) {
    return theme == Theme::Dark ? u"dark"_s : u"light"_s;
}

std::optional<Theme> themeFromKey(const QString& key) {
    if (key == u"light")
        return Theme::Light;
    if (key == u"dark")
        return Theme::Dark;
    return std::nullopt;
}

QPalette makePalette(Theme theme) {
    QPalette p;
    if (theme == Theme::Light) {
        p.setColor(QPalette::Window, QColor(0xf3, 0xf4, 0xf6));
        p.setColor(QPalette::WindowText, QColor(0x1f, 0x23, 0x28));
        p.setColor(QPalette::Base, QColor(0xff, 0xff, 0xff));
        p.setColor(QPalette::AlternateBase, QColor(0xf6, 0xf8, 0xfa));
        p.setColor(QPalette::Text, QColor(0x1f, 0x23, 0x28));
        p.setColor(QPalette::Button, QColor(0xfa, 0xfb, 0xfc));
        p.setColor(QPalette::ButtonText, QColor(0x1f, 0x23, 0x28));
        p.setColor(QPalette::Highlight, QColor(0x1f, 0x6f, 0xeb));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xe8));
        p.setColor(QPalette::ToolTipText, QColor(0x1f, 0x23, 0x28));
        p.setColor(QPalette::PlaceholderText, QColor(0x6e, 0x77, 0x81));
        p.setColor(QPalette::Mid, QColor(0xc8, 0xcd, 0xd3));
        p.setColor(QPalette::Midlight, QColor(0xe1, 0xe4, 0xe8));
        p.setColor(QPalette::Dark, QColor(0x8c, 0x95, 0x9f));
        p.setColor(QPalette::Light, Qt::white);
        p.setColor(QPalette::Link, QColor(0x09, 0x69, 0xda));
        // setColor(role, colour) sets every group, the disabled one too: without
        // these a disabled toolbar button looked exactly like an enabled one.
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x9a, 0xa1, 0xa9));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x9a, 0xa1, 0xa9));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x9a, 0xa1, 0xa9));
        p.setColor(QPalette::Disabled, QPalette::Button, QColor(0xee, 0xf0, 0xf2));
    } else {
        p.setColor(QPalette::Window, QColor(0x1c, 0x21, 0x28));
        p.setColor(QPalette::WindowText, QColor(0xe6, 0xed, 0xf3));
        p.setColor(QPalette::Base, QColor(0x0d, 0x11, 0x17));
        p.setColor(QPalette::AlternateBase, QColor(0x16, 0x1b, 0x22));
        p.setColor(QPalette::Text, QColor(0xe6, 0xed, 0xf3));
        p.setColor(QPalette::Button, QColor(0x26, 0x2c, 0x36));
        p.setColor(QPalette::ButtonText, QColor(0xe6, 0xed, 0xf3));
        p.setColor(QPalette::Highlight, QColor(0x38, 0x8b, 0xfd));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::ToolTipBase, QColor(0x26, 0x2c, 0x36));
        p.setColor(QPalette::ToolTipText, QColor(0xe6, 0xed, 0xf3));
        p.setColor(QPalette::PlaceholderText, QColor(0x8b, 0x94, 0x9e));
        p.setColor(QPalette::Mid, QColor(0x44, 0x4c, 0x56));
        p.setColor(QPalette::Midlight, QColor(0x30, 0x36, 0x3d));
        p.setColor(QPalette::Dark, QColor(0x8b, 0x94, 0x9e));
        p.setColor(QPalette::Light, QColor(0x48, 0x4f, 0x58));
        p.setColor(QPalette::Link, QColor(0x58, 0xa6, 0xff));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6e, 0x76, 0x81));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6e, 0x76, 0x81));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6e, 0x76, 0x81));
        p.setColor(QPalette::Disabled, QPalette::Button, QColor(0x1f, 0x24, 0x2c));
    }
    return p;
}

void applyTheme(Theme theme) {
    if (QApplication::style()->name().compare(u"fusion"_s, Qt::CaseInsensitive) != 0) {
        if (QStyle* fusion = QStyleFactory::create(u"Fusion"_s))
            QApplication::setStyle(fusion);  // the application owns the style
    }
    QApplication::setPalette(makePalette(theme));
}

bool isDarkPalette(const QPalette& palette) {
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor levelColor(KpiLevel level, const QPalette& palette) {
    const bool dark = isDarkPalette(palette);
    switch (level) {
    case KpiLevel::Ok:
        return dark ? QColor(0x3f, 0xb9, 0x50) : QColor(0x1a, 0x7f, 0x37);
    case KpiLevel::Warning:
        return dark ? QColor(0xd2, 0x99, 0x22) : QColor(0xbf, 0x87, 0x00);
    case KpiLevel::Breach:
        return dark ? QColor(0xf8, 0x51, 0x49) : QColor(0xcf, 0x22, 0x2e);
    case KpiLevel::Neutral:
    case KpiLevel::Unknown:
        break;
    }
    return palette.color(QPalette::Mid);
}

QColor textOnLevel(KpiLevel level, const QPalette& palette) {
    if (level == KpiLevel::Warning)
        return QColor(0x1f, 0x23, 0x28);
    if (level == KpiLevel::Neutral || level == KpiLevel::Unknown)
        return palette.color(QPalette::WindowText);
    return isDarkPalette(palette) ? QColor(0x0d, 0x11, 0x17) : QColor(Qt::white);
}

QColor seriesColor(int index, const QPalette& palette) {
    static constexpr std::array<QRgb, 8> kLight{0x0969da, 0xbc4c00, 0x1a7f37, 0x8250df,
                                                0xbf3989, 0x1b7c83, 0x9a6700, 0x57606a};
    static constexpr std::array<QRgb, 8> kDark{0x58a6ff, 0xffa657, 0x56d364, 0xbc8cff,
                                               0xff7b72, 0x39c5cf, 0xe3b341, 0x8b949e};
    const auto& table = isDarkPalette(palette) ? kDark : kLight;
    return QColor::fromRgb(table[static_cast<std::size_t>(index) % table.size()]);
}

QColor blueEnvironmentColor(const QPalette& palette) {
    return isDarkPalette(palette) ? QColor(0x58, 0xa6, 0xff) : QColor(0x09, 0x69, 0xda);
}

QColor greenEnvironmentColor(const QPalette& palette) {
    return isDarkPalette(palette) ? QColor(0x3f, 0xb9, 0x50) : QColor(0x1a, 0x7f, 0x37);
}

}  // namespace pulsco
