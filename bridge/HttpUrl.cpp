#include "bridge/HttpUrl.h"

using namespace Qt::StringLiterals;

namespace pulsco {

bool isHttpUrlWithHost(const QUrl& url) {
    // QUrl lower-cases the scheme it parses; compared case-insensitively
    // anyway, for a QUrl built by setScheme().
    const QString scheme = url.scheme().toLower();
    return url.isValid() && (scheme == u"http"_s || scheme == u"https"_s) && !url.host().isEmpty();
}

}  // namespace pulsco
