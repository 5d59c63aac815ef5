// A one-line label that, when narrower than its text, draws it cut with
// "…" (the whole text stays in text() and belongs in the tooltip), instead
// of cutting it mid-letter without a sign that something is missing.
#pragma once

#include <QLabel>

namespace pulsco {

class ElidingLabel : public QLabel {
    Q_OBJECT
public:
    using QLabel::QLabel;

    // True when the text does not fit and is shown cut with "…".
    bool isElided() const;

protected:
    void paintEvent(QPaintEvent* event) override;
};

}  // namespace pulsco
