#include "drills/AlertEngine.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

QString toString(AlertState state) {
    switch (state) {
    case AlertState::Normal:
        return u"normal"_s;
    case AlertState::Pending:
        return u"pending"_s;
    case AlertState::Firing:
        return u"firing"_s;
    case AlertState::Resolved:
        return u"resolved"_s;
    }
    return u"normal"_s;
}

AlertEngine::AlertEngine(QObject* parent)
    : QObject(parent) {}

AlertEngine::AlertEngine(std::vector<AlertRule> rules, QObject* parent)
    : QObject(parent) {
    setRules(std::move(rules));
}

void AlertEngine::setRules(std::vector<AlertRule> rules) {
    m_rules = std::move(rules);
    reset();
}

void AlertEngine::reset() {
    m_slots.clear();
    for (const AlertRule& r : m_rules) {
        Slot slot;
        slot.check = AlertCheckState(r.check);
        m_slots.push_back(std::move(slot));
    }
    m_markers.clear();
    m_lastTime = 0;
}

const AlertRule* AlertEngine::rule(const QString& name) const {
    for (const AlertRule& r : m_rules)
        if (r.name == name)
            return &r;
    return nullptr;
}

const AlertStatus* AlertEngine::status(const QString& name) const {
    for (std::size_t i = 0; i < m_rules.size(); ++i)
        if (m_rules[i].name == name)
            return &m_slots[i].status;
    return nullptr;
}

AlertState AlertEngine::state(const QString& name) const {
    const AlertStatus* s = status(name);
    return s ? s->state : AlertState::Normal;
}

QStringList AlertEngine::firing() const {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < m_rules.size(); ++i)
        if (m_slots[i].status.state == AlertState::Firing)
            order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
        return m_rules[a].severity > m_rules[b].severity;
    });
    QStringList names;
    for (std::size_t i : order)
        names.append(m_rules[i].name);
    return names;
}

namespace {

QString formatValue(const ExpressionValue& v, const QString& unit) {
    if (!v.hasValue)
        return u"no data"_s;
    if (unit == u"%")
        return QString::number(v.value * 100.0, 'g', 3) + u" %"_s;
    const QString number = QString::number(v.value, 'g', 4);
    return unit.isEmpty() ? number : number + u' ' + unit;
}

}  // namespace

void AlertEngine::evaluate(const MetricsSnapshot& snapshot) {
    const double now = snapshot.timeSeconds;
    m_lastTime = now;
    for (std::size_t i = 0; i < m_rules.size(); ++i) {
        const AlertRule& r = m_rules[i];
        Slot& slot = m_slots[i];
        bool holds = false;
        QString detail;
        if (r.check != AlertCheck::None) {
            const CheckResult c = slot.check.observe(snapshot);
            holds = c.holds;
            detail = c.detail;
        } else if (r.expression) {
            // No data never fires (docs/expressions.md): truthy() needs a value.
            holds = r.expression->evaluate(snapshot).truthy();
        }
        if (r.value)
            detail = formatValue(r.value->evaluate(snapshot), r.valueUnit);
        slot.status.detail = detail;

        switch (slot.status.state) {
        case AlertState::Normal:
        case AlertState::Resolved:
            if (holds) {
                move(i, AlertState::Pending, now);
                if (r.forSeconds <= 0)
                    move(i, AlertState::Firing, now);
            }
            break;
        case AlertState::Pending:
            if (!holds)
                move(i, AlertState::Normal, now);
            else if (now - slot.status.pendingSince >= r.forSeconds)
                move(i, AlertState::Firing, now);
            break;
        case AlertState::Firing:
            if (holds) {
                slot.status.clearingSince = std::numeric_limits<double>::quiet_NaN();
            } else {
                if (std::isnan(slot.status.clearingSince))
                    slot.status.clearingSince = now;
                if (now - slot.status.clearingSince >= r.keepFiringForSeconds)
                    move(i, AlertState::Resolved, now);
            }
            break;
        }
    }
    emit evaluated(now);
}

void AlertEngine::move(std::size_t index, AlertState to, double time, const QString& who,
                       const QString& note) {
    AlertStatus& s = m_slots[index].status;
    AlertTransition t;
    t.rule = m_rules[index].name;
    t.severity = m_rules[index].severity;
    t.from = s.state;
    t.to = to;
    t.timeSeconds = time;
    t.who = who;
    t.note = note;
    t.detail = s.detail;
    switch (to) {
    case AlertState::Pending:
        s.pendingSince = time;
        break;
    case AlertState::Firing: {
        // Back within the hold after resolving by itself: the operator who
        // acknowledged it is still on it. An operator's own resolve, or a
        // longer quiet spell, ends the acknowledgement.
        const bool keepAck = s.acknowledged && !std::isnan(s.resolvedAt) &&
                             s.resolvedBy.isEmpty() &&
                             time - s.resolvedAt <= m_rules[index].keepFiringForSeconds;
        ++s.occurrence;
        s.firedAt = time;
        s.resolvedAt = std::numeric_limits<double>::quiet_NaN();
        s.clearingSince = std::numeric_limits<double>::quiet_NaN();
        if (keepAck) {
            t.acknowledgedBy = s.acknowledgedBy;
        } else {
            s.acknowledged = false;
            s.acknowledgedBy.clear();
            s.acknowledgedAt = std::numeric_limits<double>::quiet_NaN();
        }
        s.resolvedBy.clear();
        s.resolveNote.clear();
        openMarker(index, time);
        break;
    }
    case AlertState::Resolved:
        s.resolvedAt = time;
        s.clearingSince = std::numeric_limits<double>::quiet_NaN();
        s.resolvedBy = who;
        s.resolveNote = note;
        closeMarker(index, time);
        break;
    case AlertState::Normal:
        break;
    }
    s.state = to;
    t.occurrence = s.occurrence;
    emit transitioned(t);
}

bool AlertEngine::acknowledge(const QString& name, const QString& who) {
    for (std::size_t i = 0; i < m_rules.size(); ++i) {
        if (m_rules[i].name != name)
            continue;
        AlertStatus& s = m_slots[i].status;
        if (s.state != AlertState::Firing || s.acknowledged || who.trimmed().isEmpty())
            return false;
        s.acknowledged = true;
        s.acknowledgedBy = who.trimmed();
        s.acknowledgedAt = m_lastTime;
        AlertTransition t;
        t.rule = name;
        t.severity = m_rules[i].severity;
        t.from = t.to = AlertState::Firing;
        t.timeSeconds = m_lastTime;
        t.occurrence = s.occurrence;
        t.who = s.acknowledgedBy;
        t.detail = s.detail;
        emit acknowledged(t);
        return true;
    }
    return false;
}

bool AlertEngine::resolve(const QString& name, const QString& who, const QString& note) {
    for (std::size_t i = 0; i < m_rules.size(); ++i) {
        if (m_rules[i].name != name)
            continue;
        const AlertState state = m_slots[i].status.state;
        if (state != AlertState::Firing && state != AlertState::Pending)
            return false;
        move(i, AlertState::Resolved, m_lastTime, who, note);
        return true;
    }
    return false;
}

void AlertEngine::openMarker(std::size_t index, double time) {
    if (m_markers.size() >= kMaxMarkers) {
        m_markers.erase(m_markers.begin());
        for (Slot& s : m_slots)
            if (s.openMarker >= 0)
                --s.openMarker;
    }
    AlertMarker m;
    m.rule = m_rules[index].name;
    m.severity = m_rules[index].severity;
    m.occurrence = m_slots[index].status.occurrence;
    m.firedAt = time;
    m_markers.push_back(m);
    m_slots[index].openMarker = static_cast<int>(m_markers.size()) - 1;
    emit markerChanged(m_slots[index].openMarker);
}

void AlertEngine::closeMarker(std::size_t index, double time) {
    const int marker = m_slots[index].openMarker;
    if (marker < 0)
        return;
    m_markers[static_cast<std::size_t>(marker)].clearedAt = time;
    m_slots[index].openMarker = -1;
    emit markerChanged(marker);
}

}  // namespace pulsco
