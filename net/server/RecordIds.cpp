#include "net/server/RecordIds.h"

namespace pulsco {

namespace {

// Digits of a sequence number: 1..18 digits, no leading zero (fits qint64).
std::optional<qint64> parseSeq(QByteArrayView digits) {
    if (digits.isEmpty() || digits.size() > 18 || digits.front() == '0')
        return std::nullopt;
    qint64 v = 0;
    for (char c : digits) {
        if (c < '0' || c > '9')
            return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

bool isServerIdChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

RecordIds::RecordIds(QByteArray serverId)
    : m_serverId(std::move(serverId))
    , m_ticketPrefix(m_serverId + "-t")
    , m_matchPrefix(m_serverId + "-m") {}

bool RecordIds::isValidServerId(QStringView id) {
    if (id.isEmpty() || id.size() > 16)
        return false;
    for (QChar c : id)
        if (c.unicode() > 0x7f || !isServerIdChar(char(c.unicode())))
            return false;
    return true;
}

QByteArray RecordIds::ticket(qint64 seq) const {
    return m_ticketPrefix + QByteArray::number(seq);
}

QByteArray RecordIds::match(qint64 seq) const {
    return m_matchPrefix + QByteArray::number(seq);
}

RecordIds::Parsed RecordIds::parse(QByteArrayView id, char kind) const {
    Parsed out;
    if (id.size() > 64)
        return out;
    const qsizetype dash = id.indexOf('-');
    QByteArrayView owner;
    QByteArrayView rest = id;
    if (dash >= 0) {
        owner = id.first(dash);
        rest = id.sliced(dash + 1);
        if (owner.isEmpty() || owner.size() > 16)
            return out;
        for (char c : owner)
            if (!isServerIdChar(c))
                return out;
    }
    if (rest.size() < 2 || rest.front() != kind)
        return out;
    const auto seq = parseSeq(rest.sliced(1));
    if (!seq)
        return out;
    if (dash >= 0 && owner != QByteArrayView(m_serverId)) {
        out.kind = Parsed::Kind::OtherServer;
        out.owner = owner.toByteArray();
        return out;
    }
    out.kind = Parsed::Kind::Ours;
    out.seq = *seq;
    return out;
}

std::optional<qint64> RecordIds::storedTicketSeq(QStringView id) {
    const qsizetype dash = id.indexOf(u'-');
    const QStringView rest = dash >= 0 ? id.sliced(dash + 1) : id;
    if (rest.size() < 2 || rest.front() != u't')
        return std::nullopt;
    return parseSeq(rest.sliced(1).toLatin1());
}

}  // namespace pulsco
