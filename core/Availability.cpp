#include "core/Availability.h"

#include <algorithm>

namespace pulsco {

AvailabilityFigure availabilityOver(const AvailabilityHistory& history, double windowSeconds) {
    AvailabilityFigure figure;
    figure.windowSeconds = windowSeconds > 0 ? windowSeconds : 0;
    const double start = windowSeconds > 0
                             ? std::max(history.fromSeconds, history.nowSeconds - windowSeconds)
                             : history.fromSeconds;
    figure.historySeconds = std::max(0.0, history.nowSeconds - start);
    for (const UpSpan& span : history.up) {
        const double from = std::max(span.from, start);
        const double to = std::min(span.to, history.nowSeconds);
        if (to > from)
            figure.upSeconds += to - from;
    }
    figure.upSeconds = std::min(figure.upSeconds, figure.historySeconds);
    return figure;
}

void normalize(AvailabilityHistory& history) {
    std::vector<UpSpan>& spans = history.up;
    for (UpSpan& s : spans) {
        s.from = std::max(s.from, history.fromSeconds);
        s.to = std::min(s.to, history.nowSeconds);
    }
    std::erase_if(spans, [](const UpSpan& s) { return !(s.to > s.from); });
    std::sort(spans.begin(), spans.end(),
              [](const UpSpan& a, const UpSpan& b) { return a.from < b.from; });
    std::vector<UpSpan> joined;
    joined.reserve(spans.size());
    for (const UpSpan& s : spans) {
        if (!joined.empty() && s.from <= joined.back().to)
            joined.back().to = std::max(joined.back().to, s.to);
        else
            joined.push_back(s);
    }
    spans = std::move(joined);
}

AvailabilityHistory intersectAvailability(const AvailabilityHistory& a,
                                          const AvailabilityHistory& b) {
    AvailabilityHistory out;
    out.fromSeconds = std::max(a.fromSeconds, b.fromSeconds);
    // The record ends where the older part's ends: beyond it nothing is
    // known of that part (a stale server's history stops advancing the
    // merged one rather than counting time nobody saw as up or down).
    out.nowSeconds = std::max(out.fromSeconds, std::min(a.nowSeconds, b.nowSeconds));
    std::size_t i = 0, j = 0;
    while (i < a.up.size() && j < b.up.size()) {
        const double from = std::max(a.up[i].from, b.up[j].from);
        const double to = std::min(a.up[i].to, b.up[j].to);
        if (to > from)
            out.up.push_back({from, to});
        if (a.up[i].to < b.up[j].to)
            ++i;
        else
            ++j;
    }
    normalize(out);
    return out;
}

void subtractDown(AvailabilityHistory& history, const std::vector<UpSpan>& down) {
    std::vector<UpSpan> cuts = down;
    std::sort(cuts.begin(), cuts.end(),
              [](const UpSpan& a, const UpSpan& b) { return a.from < b.from; });
    std::vector<UpSpan> out;
    for (UpSpan span : history.up) {
        for (const UpSpan& cut : cuts) {
            if (cut.to <= span.from || !(cut.to > cut.from))
                continue;
            if (cut.from >= span.to)
                break;
            if (cut.from > span.from)
                out.push_back({span.from, cut.from});
            span.from = std::max(span.from, cut.to);
            if (span.from >= span.to)
                break;
        }
        if (span.to > span.from)
            out.push_back(span);
    }
    history.up = std::move(out);
    normalize(history);
}

void trimHistory(AvailabilityHistory& history, double keepSeconds) {
    if (keepSeconds <= 0 || history.nowSeconds - history.fromSeconds <= keepSeconds)
        return;
    history.fromSeconds = history.nowSeconds - keepSeconds;
    normalize(history);
}

}  // namespace pulsco
