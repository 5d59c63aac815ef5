// The drill report's one chart: faults, alerts, the trainee's actions and
// the recovery on a shared time axis (drills/DrillTimeline.h), with the
// MTTD and MTTR as brackets from the fault's start. Painted with QPainter
// into an image, so the PDF report and the history view show the same.
#pragma once

#include "drills/DrillRecord.h"
#include "drills/DrillTimeline.h"

#include <QImage>
#include <QSize>

namespace pulsco {

// `size` in pixels; white background, readable at A4 text width.
QImage drillTimelineImage(const DrillTimeline& timeline, QSize size = QSize(1800, 560));

// The name the report's Markdown shows the chart under: ![…](drill-timeline).
inline const QString kDrillTimelineImage = QStringLiteral("drill-timeline");
// The debrief's Markdown (drills/DrillReport.h) with the chart placed at the
// head of its timeline section; show it with drillTimelineImage() under
// kDrillTimelineImage.
QString drillReportMarkdownWithChart(const DrillRecord& record);

}  // namespace pulsco
