// A pulsco-matchd stand-in on loopback that can be switched, while the
// console watches it, between answering well and misbehaving in the ways a
// broken server, proxy or network does: garbage bodies, wrong types, bytes
// that are not HTTP, headers then silence, trickling bytes, a connection
// dropped mid-message, a reply or WebSocket message over the console's cap.
// Speaks just enough HTTP/1.1 and WebSocket (RFC 6455, unmasked server
// frames) to do so; with a certificate it serves TLS instead.
#pragma once

#include "bridge/MetricsSnapshotJson.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTimer>

using namespace Qt::StringLiterals;

class MisbehavingServer : public QTcpServer {
public:
    enum class Mode {
        Good,
        GarbageBody,         // 200 with a body that is not JSON / a text frame that is not JSON
        WrongTypes,          // valid JSON with fields of the wrong type
        NotHttp,             // bytes that are not an HTTP answer at all
        Silent,              // headers (or the upgrade), then nothing, connection held open
        Trickle,             // headers, then one byte every 200 ms
        DropMidMessage,      // half a body or half a frame, then the connection is cut
        TooLarge,            // a 9 MiB body (declared) or WebSocket message
        TooLargeUndeclared,  // a 9 MiB body without Content-Length
        NoUpgradeAnswer,     // the WebSocket upgrade is read and never answered
    };
    // Which endpoints misbehave; the others answer well.
    enum Target { Info = 1, Stats = 2, Events = 4 };

    Mode mode = Mode::Good;
    int targets = Stats | Events;
    QString color = u"blue"_s;
    bool hugeAdminAnswers = false;  // /v1/admin/* answer 500 with a 9 MiB body
    static constexpr qint64 kHugeBytes = 9 * 1024 * 1024;

    explicit MisbehavingServer(QObject* parent = nullptr)
        : QTcpServer(parent) {
        connect(this, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket* socket = nextPendingConnection())
                serve(socket);
        });
    }

    // TLS with this certificate and key (self-signed in the tests).
    void useTls(const QSslCertificate& certificate, const QSslKey& key) {
        m_certificate = certificate;
        m_key = key;
    }

    bool listenOnLoopback() { return listen(QHostAddress::LocalHost, 0); }
    QString url() const {
        return (m_key.isNull() ? u"http://127.0.0.1:"_s : u"https://127.0.0.1:"_s) +
               QString::number(serverPort());
    }
    int tlsHandshakesDone() const { return m_tlsDone; }
    // TLS connections accepted, and those that ended before their handshake
    // completed (e.g. the client refused our certificate).
    int tlsConnections() const { return m_tlsConnections; }
    int tlsHandshakesFailed() const { return m_tlsFailed; }

protected:
    void incomingConnection(qintptr descriptor) override {
        if (m_key.isNull()) {
            QTcpServer::incomingConnection(descriptor);
            return;
        }
        auto* socket = new QSslSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        socket->setLocalCertificate(m_certificate);
        socket->setPrivateKey(m_key);
        ++m_tlsConnections;
        connect(socket, &QSslSocket::encrypted, this, [this] { ++m_tlsDone; });
        const auto ended = [this, socket] {
            if (!socket->isEncrypted() && !socket->property("tlsFailed").toBool()) {
                socket->setProperty("tlsFailed", true);
                ++m_tlsFailed;
            }
        };
        connect(socket, &QSslSocket::errorOccurred, this, ended);
        connect(socket, &QSslSocket::disconnected, this, ended);
        // The client refusing our certificate shows here; nothing to do.
        connect(socket, &QSslSocket::sslErrors, socket, [] {});
        socket->startServerEncryption();
        addPendingConnection(socket);
    }

private:
    static QByteArray snapshotJson(double timeSeconds) {
        pulsco::MetricsSnapshot s;
        s.timeSeconds = timeSeconds;
        return pulsco::metricsSnapshotToJson(s);
    }

    // A complete snapshot whose time_s is a string.
    static QByteArray wrongTypedSnapshot() {
        QJsonObject o = QJsonDocument::fromJson(snapshotJson(1)).object();
        o.insert(u"time_s"_s, u"yesterday"_s);
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    }

    bool misbehaves(Target target) const { return mode != Mode::Good && (targets & target); }

    void serve(QTcpSocket* socket) {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
            if (socket->property("answered").toBool())
                return;  // a WebSocket's client frames: not read
            QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
            socket->setProperty("buffer", buffer);
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            socket->setProperty("answered", true);
            const QByteArray head = buffer.left(end);
            const QByteArray path = head.split(' ').value(1);
            if (path == "/v1/events")
                answerUpgrade(socket, head);
            else
                answerHttp(socket, path);
        });
    }

    void answerHttp(QTcpSocket* socket, const QByteArray& path) {
        const Target target = path == "/v1/info" ? Info : Stats;
        QByteArray good = target == Info ? R"({"name":"pulsco-matchd","color":")" + color.toUtf8() +
                                               R"(","admin_enabled":false})"
                                         : snapshotJson(++m_clock);
        if (path.startsWith("/v1/admin/") && hugeAdminAnswers) {
            reply(socket, "500 Internal Server Error", QByteArray(kHugeBytes, ' '));
            return;
        }
        if (path != "/v1/info" && path != "/v1/stats") {
            reply(socket, "404 Not Found", R"({"error":{"code":"not_found","message":"no"}})");
            return;
        }
        if (!misbehaves(target)) {
            reply(socket, "200 OK", good);
            return;
        }
        switch (mode) {
        case Mode::Good:
        case Mode::NoUpgradeAnswer:
            reply(socket, "200 OK", good);
            return;
        case Mode::GarbageBody:
            reply(socket, "200 OK", "<html><body>502 from a proxy, not JSON{</body>");
            return;
        case Mode::WrongTypes:
            reply(socket, "200 OK",
                  target == Info ? R"({"name":"pulsco-matchd","color":42})" : wrongTypedSnapshot());
            return;
        case Mode::NotHttp:
            socket->write("SSH-2.0-OpenSSH_9.2\r\n\x01\x02\x03 not HTTP at all\r\n\r\n");
            socket->disconnectFromHost();
            return;
        case Mode::Silent:
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: 1000\r\n\r\n");
            return;
        case Mode::Trickle:
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: 100000\r\n\r\n{");
            trickle(socket);
            return;
        case Mode::DropMidMessage:
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: " +
                          QByteArray::number(good.size()) + "\r\n\r\n" +
                          good.left(good.size() / 2));
            socket->flush();
            socket->abort();
            return;
        case Mode::TooLarge:
            reply(socket, "200 OK", QByteArray(kHugeBytes, ' ') + good);
            return;
        case Mode::TooLargeUndeclared:
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Connection: close\r\n\r\n" +
                          QByteArray(kHugeBytes, ' ') + good);
            socket->disconnectFromHost();
            return;
        }
    }

    static void reply(QTcpSocket* socket, const QByteArray& status, const QByteArray& body) {
        socket->write("HTTP/1.1 " + status +
                      "\r\nContent-Type: application/json\r\nConnection: close\r\n"
                      "Content-Length: " +
                      QByteArray::number(body.size()) + "\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    static void trickle(QTcpSocket* socket) {
        auto* timer = new QTimer(socket);
        connect(timer, &QTimer::timeout, socket, [socket] { socket->write(" "); });
        timer->start(200);
    }

    static QByteArray frameHeader(qint64 length) {
        QByteArray h("\x81", 1);  // FIN, text
        if (length < 126) {
            h.append(char(length));
        } else if (length < 65536) {
            h.append(char(126));
            h.append(char(length >> 8)).append(char(length & 0xff));
        } else {
            h.append(char(127));
            for (int shift = 56; shift >= 0; shift -= 8)
                h.append(char((length >> shift) & 0xff));
        }
        return h;
    }
    static QByteArray frame(const QByteArray& payload) {
        return frameHeader(payload.size()) + payload;
    }

    void answerUpgrade(QTcpSocket* socket, const QByteArray& head) {
        QByteArray key;
        for (const QByteArray& line : head.split('\n'))
            if (line.toLower().startsWith("sec-websocket-key:"))
                key = line.mid(18).trimmed();
        if (misbehaves(Events) && mode == Mode::NotHttp) {
            socket->write("\x01\x02garbage instead of 101\r\n\r\n");
            socket->disconnectFromHost();
            return;
        }
        if (misbehaves(Events) && mode == Mode::NoUpgradeAnswer)
            return;  // held open, never answered
        const QByteArray accept =
            QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                     QCryptographicHash::Sha1)
                .toBase64();
        socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                      accept + "\r\n\r\n");
        // Every 200 ms, whatever the mode is then: the mode can change while
        // the socket is open (a server that turns good, or bad).
        auto* timer = new QTimer(socket);
        connect(timer, &QTimer::timeout, socket, [this, socket, timer] {
            const QByteArray good = R"({"seq":)" + QByteArray::number(++m_seq) +
                                    R"(,"type":"snapshot","snapshot":)" + snapshotJson(++m_clock) +
                                    "}";
            if (!misbehaves(Events)) {
                socket->write(frame(good));
                return;
            }
            switch (mode) {
            case Mode::Good:
            case Mode::NotHttp:
            case Mode::NoUpgradeAnswer:
                break;
            case Mode::GarbageBody:
                socket->write(frame("this is not JSON {"));
                return;
            case Mode::WrongTypes:
                socket->write(frame(R"({"seq":1,"type":"snapshot","snapshot":)" +
                                    wrongTypedSnapshot() + "}"));
                return;
            case Mode::Silent:
                return;
            case Mode::Trickle:
                if (!socket->property("trickling").toBool()) {
                    socket->setProperty("trickling", true);
                    socket->write(frameHeader(100000));
                }
                socket->write(" ");
                return;
            case Mode::DropMidMessage:
                timer->stop();
                socket->write(frameHeader(good.size()) + good.left(good.size() / 2));
                socket->flush();
                socket->abort();
                return;
            case Mode::TooLarge:
            case Mode::TooLargeUndeclared:
                timer->stop();
                socket->write(frame(QByteArray(kHugeBytes, ' ') + good));
                return;
            }
        });
        timer->start(200);
    }

    double m_clock = 0;
    qint64 m_seq = 0;
    int m_tlsDone = 0;
    int m_tlsConnections = 0;
    int m_tlsFailed = 0;
    QSslCertificate m_certificate;
    QSslKey m_key;
};
