// An open-addressing hash index from a 64-bit hash to a (slot, member) pair.
// The key itself lives elsewhere (in the ticket slab), so an entry is 16 bytes
// and inserting or erasing never allocates once the table has grown: the
// matchmaker does one insert and one erase per player and per ticket, which
// std::unordered_map would turn into a node allocation each.
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

    std::size_t size() const { return m_size; }

    // `matches(entry)` tells whether an entry with the same hash is the key.
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

    // The caller has checked that the key is absent.
    void insert(std::uint64_t hash, std::uint32_t slot, std::uint32_t member) {
        if ((m_size + 1) * 2 > m_entries.size())
            grow();
        place(Entry{hash, slot, member});
        ++m_size;
    }

    template <typename Matches>
    bool erase(std::uint64_t hash, Matches matches) {
        const Entry* found = find(hash, matches);
        if (!found)
            return false;
        // Backward-shift deletion keeps probe chains intact without tombstones.
        std::size_t hole = std::size_t(found - m_entries.data());
        for (std::size_t next = (hole + 1) & m_mask;; next = (next + 1) & m_mask) {
            Entry& entry = m_entries[next];
            if (entry.slot == kEmpty)
                break;
            const std::size_t home = entry.hash & m_mask;
            if (((next - home) & m_mask) >= ((next - hole) & m_mask)) {
                m_entries[hole] = entry;
                hole = next;
            }
        }
        m_entries[hole] = Entry{};
        --m_size;
        return true;
    }

private:
    void place(const Entry& entry) {
        std::size_t i = entry.hash & m_mask;
        while (m_entries[i].slot != kEmpty)
            i = (i + 1) & m_mask;
        m_entries[i] = entry;
    }

    void grow() {
        std::vector<Entry> old;
        old.swap(m_entries);
        m_entries.assign(old.empty() ? 64 : old.size() * 2, Entry{});
        m_mask = m_entries.size() - 1;
        for (const Entry& entry : old) {
            if (entry.slot != kEmpty)
                place(entry);
        }
    }

    std::vector<Entry> m_entries;
    std::size_t m_mask = 0;
    std::size_t m_size = 0;
};

}  // namespace pulsco::detail
