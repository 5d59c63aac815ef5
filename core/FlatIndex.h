// An open-addressing hash index from a 64-bit hash to a (slot, member) pair.
// The key itself lives elsewhere (in the ticket slab), so an entry is 16 bytes
// and an insert never allocates once the table has grown: the matchmaker
// indexes every ticket and every player, which std::unordered_map would turn
// into a node allocation (and a free) each.
#pragma once

#include <cstdint>
#include <vector>

namespace pulsco::detail {

inline std::uint64_t mixHash(std::uint64_t x) {
    // splitmix64 finaliser: spreads sequential ids over the whole table.
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

class FlatIndex {
public:
    static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
    struct Entry {
        std::uint64_t hash = 0;
        std::uint32_t slot = kEmpty;
        std::uint32_t member = 0;
    };

    // Entries held, stale ones included.
    std::size_t size() const { return m_size; }

    // `matches(entry)` tells whether an entry with the same hash is the key
    // (and is live).
    template <typename Matches>
    const Entry* find(std::uint64_t hash, Matches matches) const {
        if (m_entries.empty())
            return nullptr;
        for (std::size_t i = hash & m_mask;; i = (i + 1) & m_mask) {
            const Entry& entry = m_entries[i];
            if (entry.slot == kEmpty)
                return nullptr;
            if (entry.hash == hash && matches(entry))
                return &entry;
        }
    }

    // The caller has checked that the key is absent. Entries are never
    // erased one by one: they go stale when their ticket leaves, and
    // `isLive(entry)` drops the stale ones whenever the table fills up, which
    // keeps a release free of hashing and probing.
    template <typename IsLive>
    void insert(std::uint64_t hash, std::uint32_t slot, std::uint32_t member, IsLive isLive) {
        if ((m_size + 1) * 2 > m_entries.size())
            rebuild(isLive);
        place(Entry{hash, slot, member});
        ++m_size;
    }

private:
    void place(const Entry& entry) {
        std::size_t i = entry.hash & m_mask;
        while (m_entries[i].slot != kEmpty)
            i = (i + 1) & m_mask;
        m_entries[i] = entry;
    }

    bool contains(const Entry& wanted) const {
        for (std::size_t i = wanted.hash & m_mask;; i = (i + 1) & m_mask) {
            const Entry& entry = m_entries[i];
            if (entry.slot == kEmpty)
                return false;
            if (entry.hash == wanted.hash && entry.slot == wanted.slot &&
                entry.member == wanted.member)
                return true;
        }
    }

    // Sized so that live entries fill at most a quarter of the table: the
    // next rebuild is then at least as many inserts away as there are live
    // entries, so the work per insert stays constant.
    template <typename IsLive>
    void rebuild(IsLive isLive) {
        std::vector<Entry> old;
        old.swap(m_entries);
        std::size_t live = 0;
        for (Entry& entry : old) {
            if (entry.slot != kEmpty && !isLive(entry))
                entry.slot = kEmpty;
            live += entry.slot != kEmpty;
        }
        std::size_t capacity = 64;
        while (capacity < 4 * (live + 1))
            capacity *= 2;
        m_entries.assign(capacity, Entry{});
        m_mask = capacity - 1;
        m_size = 0;
        for (const Entry& entry : old) {
            // A slot reused by the same player can leave two identical entries.
            if (entry.slot != kEmpty && !contains(entry)) {
                place(entry);
                ++m_size;
            }
        }
    }

    std::vector<Entry> m_entries;
    std::size_t m_mask = 0;
    std::size_t m_size = 0;
};

}  // namespace pulsco::detail
