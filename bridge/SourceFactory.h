// Builds Sources for the console without the UI knowing their concrete types.
// app/ implements it (the composition root); ui/ only calls it, e.g. when the
// user picks another scenario or population, or connects to live servers.
#pragma once

#include "bridge/Source.h"
#include "bridge/TrafficControllerConfig.h"

#include <QString>
#include <QStringList>

#include <memory>

namespace pulsco {

struct SourceRequest {
    // Prometheus: live servers read through a Prometheus that scrapes them.
    // Replay: a recording of pulsco-matchd's arrivals (pulsco-matchd --record).
    enum class Kind { Simulator, Live, Prometheus, Replay };
    Kind kind = Kind::Simulator;
    QString scenario;            // Simulator: shipped scenario name or a file path
    int players = 0;             // Simulator: population override (0 = scenario's own)
    QStringList urls;            // Live: base URLs of the servers to watch
    QString prometheusUrl;       // Prometheus: its base URL
    QString prometheusSelector;  // Prometheus: label matchers, "" = {job="pulsco"}
    QString recordingPath;       // Replay: a recording file or the folder of its parts
    // Live, Prometheus: what moves traffic between blue and green (Manual
    // by default).
    TrafficControllerConfig traffic;
};

class SourceFactory {
public:
    virtual ~SourceFactory() = default;
    // Names of the shipped scenarios ("baseline-1000", ...), for pickers.
    virtual QStringList scenarioNames() const = 0;
    // A new, not yet started source; on bad input returns null and sets *error
    // to a message naming the file or URL, the field and why.
    virtual std::unique_ptr<Source> create(const SourceRequest& request, QString* error) = 0;
};

}  // namespace pulsco
