#include "net/live/ServerEnvironments.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace pulsco {

std::optional<DeploymentEnvironment>
commonEnvironment(const std::vector<ServerEnvironment>& servers, QString* error) {
    if (servers.empty()) {
        *error = u"environment: no server has reported one yet"_s;
        return std::nullopt;
    }
    bool agree = true;
    for (const ServerEnvironment& s : servers)
        agree = agree && s.environment == servers.front().environment;
    if (agree)
        return servers.front().environment;
    QStringList each;
    for (const ServerEnvironment& s : servers)
        each << s.url + u" ("_s + QString::fromLatin1(toString(s.environment)) + u")"_s;
    *error = u"environment: the servers disagree: "_s + each.join(u", "_s) +
             u"; one console watches one environment (start them with the same --environment, "
             "or watch them separately); no merged figures are shown"_s;
    return std::nullopt;
}

}  // namespace pulsco
