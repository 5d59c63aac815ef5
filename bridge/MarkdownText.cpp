#include "bridge/MarkdownText.h"

using namespace Qt::StringLiterals;

namespace pulsco {

QString markdownTableCell(QString text) {
    return text.replace(u'|', u"\\|"_s).replace(u'\n', u' ');
}

}  // namespace pulsco
