#include "simulator/engine/ReplaySchedule.h"

#include "simulator/engine/Random.h"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace pulsco {

ReplaySchedule buildReplaySchedule(const std::vector<RecordedEvent>& events, int amplify,
                                   double jitterSeconds, std::uint64_t seed) {
    ReplaySchedule s;
    amplify = std::max(1, amplify);
    double first = -1;
    for (const RecordedEvent& e : events)
        if (std::holds_alternative<RecordedTicket>(e)) {
            first = timeOf(e);
            break;
        }
    sim::Random jitter(seed, 0x7e91a7);
    // Recorded ticket id -> its copies (index, delay), for the cancels.
    std::unordered_map<std::string, std::vector<std::pair<std::uint32_t, double>>> copiesOf;
    std::uint64_t order = 0;
    for (const RecordedEvent& e : events) {
        if (const auto* t = std::get_if<RecordedTicket>(&e)) {
            const double at = t->t - first;
            auto& copies = copiesOf[t->ticket];
            copies.clear();
            for (int k = 0; k < amplify; ++k) {
                TicketRequest request = t->request;
                if (k > 0)
                    for (PartyMember& m : request.players)
                        m.id += ":k" + std::to_string(k + 1);
                const double delay = k == 0 ? 0 : jitter.uniform() * std::max(0.0, jitterSeconds);
                const auto index = std::uint32_t(s.tickets.size());
                s.tickets.push_back(std::move(request));
                s.items.push_back({at + delay, true, index, order++});
                copies.emplace_back(index, delay);
                s.lastArrival = std::max(s.lastArrival, at + delay);
            }
        } else if (const auto* c = std::get_if<RecordedCancel>(&e)) {
            const auto it = copiesOf.find(c->ticket);
            if (it == copiesOf.end() || first < 0)
                continue;  // a ticket from before the recording started
            for (const auto& [index, delay] : it->second)
                s.items.push_back({c->t - first + delay, false, index, order++});
        }
    }
    std::stable_sort(s.items.begin(), s.items.end(), [](const ReplayItem& a, const ReplayItem& b) {
        return a.t < b.t || (a.t == b.t && a.order < b.order);
    });
    return s;
}

}  // namespace pulsco
