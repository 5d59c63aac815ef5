// Light and dark palettes for the whole console, and the colours of states.
// Widgets read colours from their palette, so a theme switch is one
// QApplication::setPalette call followed by PaletteChange events.
#pragma once

#include "ui/KpiStatus.h"

#include <QColor>
#include <QPalette>
#include <QString>

#include <optional>

namespace pulsco {

enum class Theme { Light, Dark };

QString themeKey(Theme theme);  // "light" / "dark" (settings, docs)
std::optional<Theme> themeFromKey(const QString& key);

QPalette makePalette(Theme theme);
// Fusion style plus the theme's palette on the running application.
void applyTheme(Theme theme);
bool isDarkPalette(const QPalette& palette);

// State colours tuned per palette so text on them stays readable.
QColor levelColor(KpiLevel level, const QPalette& palette);
QColor textOnLevel(KpiLevel level, const QPalette& palette);

// Series colours: the same hue order on every chart, lighter on dark.
QColor seriesColor(int index, const QPalette& palette);
QColor blueEnvironmentColor(const QPalette& palette);
QColor greenEnvironmentColor(const QPalette& palette);

}  // namespace pulsco
