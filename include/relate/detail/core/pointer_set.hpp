#pragma once
// A set of object addresses in one array (open addressing, linear probing). A unit of work
// records every object it stages for insert; a node-based set would allocate once per object.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace relate::detail {

class pointer_set {
public:
    /// Adds p (never null); false when it was there already.
    bool insert(const void* p) {
        if ((size_ + 1) * 4 > slots_.size() * 3) grow();
        const void*& slot = slots_[slot_of(slots_, p)];
        if (slot == p) return false;
        slot = p;
        ++size_;
        return true;
    }

    /// Removes p; false when it was not there. The entries after it in its probe run move back,
    /// so no probe stops early at the hole.
    bool erase(const void* p) noexcept {
        if (slots_.empty()) return false;
        const std::size_t mask = slots_.size() - 1;
        std::size_t hole = slot_of(slots_, p);
        if (slots_[hole] != p) return false;
        slots_[hole] = nullptr;
        --size_;
        for (std::size_t next = (hole + 1) & mask; slots_[next] != nullptr; next = (next + 1) & mask) {
            const std::size_t home = hash(slots_[next]) & mask;
            // The entry may fill the hole unless its home lies cyclically in (hole, next].
            const bool stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
            if (stays) continue;
            slots_[hole] = slots_[next];
            slots_[next] = nullptr;
            hole = next;
        }
        return true;
    }

    [[nodiscard]] bool contains(const void* p) const noexcept {
        return !slots_.empty() && slots_[slot_of(slots_, p)] == p;
    }

private:
    /// Addresses are aligned and close together: mix the bits before masking.
    static std::size_t hash(const void* p) noexcept {
        auto x = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p));
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdULL;
        x ^= x >> 33;
        return static_cast<std::size_t>(x);
    }

    /// The slot holding p, or else the free slot where it goes.
    static std::size_t slot_of(const std::vector<const void*>& slots, const void* p) noexcept {
        const std::size_t mask = slots.size() - 1;
        std::size_t i = hash(p) & mask;
        while (slots[i] != p && slots[i] != nullptr) i = (i + 1) & mask;
        return i;
    }

    void grow() {
        std::vector<const void*> bigger(slots_.empty() ? 16 : slots_.size() * 2, nullptr);
        for (const void* p : slots_)
            if (p != nullptr) bigger[slot_of(bigger, p)] = p;
        slots_ = std::move(bigger);
    }

    std::vector<const void*> slots_;  ///< a power of two in size; nullptr marks a free slot
    std::size_t size_ = 0;
};

}  // namespace relate::detail
