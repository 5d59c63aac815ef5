// The API's ticket and match ids. Each names the server that issued it:
// "<server id>-t<seq>" and "<server id>-m<seq>" (e.g. blue-t17, green-m4),
// so a load balancer can send every id-bound request to its owner
// (resources/haproxy/pulsco-bluegreen.cfg, docs/haproxy.md).
//
// The store keeps plain sequence numbers (tickets.seq, matches.seq) and the
// match detail lists tickets as "t<seq>", the shape from before ids carried
// an owner: databases of either age are read the same way, and ids issued
// before the prefix existed ("t17", "m4") are still accepted.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace pulsco {

class RecordIds {
public:
    // Checked by isValidServerId (MatchdOptions refuses anything else).
    explicit RecordIds(QByteArray serverId = QByteArrayLiteral("blue"));

    // 1..16 characters of a-z and 0-9: fits in an HAProxy path match and an
    // id of at most 64 characters, and holds no '-' (the separator).
    static bool isValidServerId(QStringView id);

    const QByteArray& serverId() const { return m_serverId; }
    QByteArray ticket(qint64 seq) const;  // "blue-t17"
    QByteArray match(qint64 seq) const;   // "blue-m4"
    QString ticketString(qint64 seq) const { return QString::fromLatin1(ticket(seq)); }
    QString matchString(qint64 seq) const { return QString::fromLatin1(match(seq)); }

    // What an id in a request path names.
    struct Parsed {
        enum class Kind { NoSuchId, Ours, OtherServer } kind = Kind::NoSuchId;
        qint64 seq = 0;    // Ours
        QByteArray owner;  // OtherServer: the server id the id names
    };
    // kind 't' (tickets) or 'm' (matches). "t17" (issued before ids had an
    // owner) counts as ours; "green-t17" on blue is another server's; any
    // other shape is no such id.
    Parsed parse(QByteArrayView id, char kind) const;

    // The sequence number of a ticket listed in a stored match detail:
    // "t17", or (tolerated) "<server id>-t17". nullopt for anything else.
    static std::optional<qint64> storedTicketSeq(QStringView id);

private:
    QByteArray m_serverId;
    QByteArray m_ticketPrefix;  // "blue-t"
    QByteArray m_matchPrefix;   // "blue-m"
};

}  // namespace pulsco
