#include "TargetDiscovery.h"

#include "bridge/JsonReader.h"
#include "core/Color.h"
#include "net/load/HttpLoadClient.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// The color a server says it is, from GET /v1/info; "" and *error on failure.
QString colorOf(QNetworkAccessManager& network, const QString& url, QString* error) {
    QNetworkRequest request{QUrl(url + u"/v1/info"_s)};
    request.setTransferTimeout(5000);
    QNetworkReply* reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    if (reply->error() != QNetworkReply::NoError) {
        *error = u"--target: "_s + url + u"/v1/info: "_s + reply->errorString();
        return {};
    }
    JsonReader reader(u"--target: "_s + url + u"/v1/info"_s);
    QString color;
    if (auto info = reader.parseObject(reply->readAll()))
        color = info->oneOf(u"color", {u"blue"_s, u"green"_s});
    if (!reader.ok())
        *error = reader.error();
    return reader.ok() ? color : QString();
}

}  // namespace

bool discoverTargets(const QStringList& urls, Targets* out, QString* error) {
    QNetworkAccessManager network;
    for (const QString& raw : urls) {
        QString url = raw;
        while (url.endsWith(u'/'))
            url.chop(1);
        if (const QString why = HttpLoadClient::checkTargetUrl(url); !why.isEmpty()) {
            *error = u"--target: "_s + why;
            return false;
        }
        const QString color = colorOf(network, url, error);
        if (color.isEmpty())
            return false;
        out->byColor[indexOf(colorFromString(color.toStdString()).value_or(Color::Blue))].push_back(
            int(out->urls.size()));
        out->urls << QUrl(url);
    }
    return true;
}

}  // namespace pulsco
