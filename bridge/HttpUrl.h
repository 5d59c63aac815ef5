// One rule for every URL the console and the server take from an operator
// (servers, Prometheus, Alertmanager, a webhook, a drill's surge target):
// http or https, with a host. Each caller keeps its own message, which names
// its flag or field, and adds its own further rules (no path, no query).
#pragma once

#include <QUrl>

namespace pulsco {

// True when `url` is valid, its scheme http or https (any case) and it has
// a host.
bool isHttpUrlWithHost(const QUrl& url);

}  // namespace pulsco
