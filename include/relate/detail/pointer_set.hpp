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
        if (!place(slots_, p)) return false;
        ++size_;
        return true;
    }

    [[nodiscard]] bool contains(const void* p) const noexcept {
        if (slots_.empty()) return false;
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = hash(p) & mask;; i = (i + 1) & mask) {
            if (slots_[i] == p) return true;
            if (slots_[i] == nullptr) return false;
        }
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

    static bool place(std::vector<const void*>& slots, const void* p) noexcept {
        const std::size_t mask = slots.size() - 1;
        for (std::size_t i = hash(p) & mask;; i = (i + 1) & mask) {
            if (slots[i] == p) return false;
            if (slots[i] == nullptr) {
                slots[i] = p;
                return true;
            }
        }
    }

    void grow() {
        std::vector<const void*> bigger(slots_.empty() ? 16 : slots_.size() * 2, nullptr);
        for (const void* p : slots_)
            if (p != nullptr) place(bigger, p);
        slots_ = std::move(bigger);
    }

    std::vector<const void*> slots_;  ///< a power of two in size; nullptr marks a free slot
    std::size_t size_ = 0;
};

}  // namespace relate::detail
