#pragma once
// The checksums every twin computes over what it read, after its timer stops. Rows are digested
// one by one and summed, so the order rows come in does not matter; a child is digested together
// with its parent's digest, so attaching it to the wrong parent changes the sum. Strings are
// digested byte by byte.
//
// The row formulas are templates over the field names, which the hand-written structs and the
// relate models share (id, userId, title, ...): each twin passes its own types.

#include <cstdint>
#include <optional>
#include <string>

namespace bench::checksum {

/// One step of a 64-bit multiplicative hash (FNV-1a's prime).
constexpr std::uint64_t mix(std::uint64_t h, std::uint64_t v) noexcept { return (h ^ v) * 0x100000001b3ULL + 0x9e3779b9ULL; }

constexpr std::uint64_t value(std::int64_t v) noexcept { return static_cast<std::uint64_t>(v); }
inline std::uint64_t value(const std::string& s) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    return h;
}
inline std::uint64_t value(const std::optional<std::string>& s) noexcept { return s ? value(*s) : 0; }

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
    return mix(mix(mix(mix(3, value(p.id)), value(p.userId)), value(p.title)), value(p.body));
}
template <class Tag>
std::uint64_t tag(const Tag& t) {
    return mix(mix(4, value(t.id)), value(t.name));
}
/// A post_tags row.
constexpr std::uint64_t link(std::int64_t post, std::int64_t tag) noexcept { return mix(mix(5, value(post)), value(tag)); }

/// A child row as read under a parent.
constexpr std::uint64_t child(std::uint64_t parent, std::uint64_t child) noexcept { return mix(parent, child); }

/// W2, W3: the posts read, and how many.
template <class Posts>
std::uint64_t posts(const Posts& rows) {
    std::uint64_t sum = rows.size();
    for (const auto& p : rows) sum += post(p);
    return sum;
}

/// W4, W4n: users with their profile (profile_of(user) is a pointer, null when it has none) and
/// their posts (u.posts, a range).
template <class Users, class ProfileOf>
std::uint64_t users_with_children(const Users& users, ProfileOf profile_of) {
    std::uint64_t sum = 0;
    for (const auto& u : users) {
        const std::uint64_t parent = user(u);
        sum += parent;
        if (const auto* p = profile_of(u)) sum += child(parent, profile(*p));
        for (const auto& p : u.posts) sum += child(parent, post(p));
    }
    return sum;
}

/// W5: posts with their tags (p.tags, a range).
template <class Posts>
std::uint64_t posts_with_tags(const Posts& rows) {
    std::uint64_t sum = 0;
    for (const auto& p : rows) {
        const std::uint64_t parent = post(p);
        sum += parent;
        for (const auto& t : p.tags) sum += child(parent, tag(t));
    }
    return sum;
}

}  // namespace bench::checksum
