#pragma once
// The checksums both twins of a workload compute over what they read. Rows are digested one by
// one and summed, so the order rows come in does not matter; a child is digested together with
// its parent's digest, so attaching it to the wrong parent changes the sum.
//
// Written once for both twins: the hand-written row structs use the models' field names.

#include <cstdint>
#include <optional>
#include <string>

namespace bench::checksum {

/// One step of a 64-bit multiplicative hash (FNV-1a's prime).
constexpr std::uint64_t mix(std::uint64_t h, std::uint64_t v) noexcept {
    return (h ^ v) * 0x100000001b3ULL + 0x9e3779b9ULL;
}

constexpr std::uint64_t value(std::int64_t v) noexcept { return static_cast<std::uint64_t>(v); }
constexpr std::uint64_t value(const std::optional<std::int64_t>& v) noexcept { return v ? value(*v) + 1 : 0; }
inline std::uint64_t value(const std::string& s) noexcept { return s.size(); }
inline std::uint64_t value(const std::optional<std::string>& s) noexcept { return s ? s->size() + 1 : 0; }

template <class User>
std::uint64_t user(const User& u) {
    return mix(mix(mix(1, value(u.id)), value(u.name)), value(u.email));
}
template <class Profile>
std::uint64_t profile(const Profile& p) {
    return mix(mix(mix(2, value(p.id)), value(p.userId)), value(p.bio));
}
template <class Post>
std::uint64_t post(const Post& p) {
    return mix(mix(mix(3, value(p.id)), value(p.userId)), value(p.title));
}
template <class Tag>
std::uint64_t tag(const Tag& t) {
    return mix(mix(4, value(t.id)), value(t.name));
}

/// A child row as read under a parent.
constexpr std::uint64_t child(std::uint64_t parent, std::uint64_t child) noexcept { return mix(parent, child); }

}  // namespace bench::checksum
