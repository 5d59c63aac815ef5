// A drill session's events as lanes for one chart (the report's timeline):
// faults and alerts as spans from start to end, the trainee's
// acknowledgements and actions as marks, and when health came back, with
// the MTTD and MTTR they make. Built from the recorded events only, so a
// report drawn from the history is the same as the one drawn at the end.
#pragma once

#include "drills/DrillRecord.h"

#include <QString>

#include <optional>
#include <vector>

namespace pulsco {

struct DrillTimeline {
    struct Span {
        QString label;      // "error rate 30 % (503), green", "matcher-stalled"
        double from = 0;    // drill seconds
        double to = 0;      // its end, or the drill's end when still on
        bool open = false;  // still on when the drill ended
    };
    struct Mark {
        QString label;  // "ack matcher-stalled", "restart matcher"
        double at = 0;
        DrillEventKind kind = DrillEventKind::Action;
    };
    double duration = 0;
    std::vector<Span> faults;
    std::vector<Span> alerts;
    std::vector<Mark> actions;  // acknowledgements and actions, in order
    std::optional<double> faultStart;
    std::optional<double> detected;   // fault start + MTTD
    std::optional<double> recovered;  // fault start + MTTR (health restored)
};

DrillTimeline drillTimeline(const DrillRecord& record);

}  // namespace pulsco
