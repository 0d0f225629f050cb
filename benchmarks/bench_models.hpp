#pragma once
// The models of DESIGN.md ("Models"), as the benchmarks and their checksum test use them; the
// profile cascades too (DESIGN.md: restrict), so W6 removes a user with everything below it.
// Declaring models needs only <relate/relation.hpp>; the files that query include relate.hpp.

#include <relate/relation.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace bench {

struct Profile;
struct Post;
struct Tag;

struct User {
    std::int64_t id = 0;
    std::string name;
    std::string email;
    relate::has_one<Profile, relate::cascade> profile;
    relate::has_many<Post, relate::cascade> posts;
};

struct Profile {
    std::int64_t id = 0;
    std::int64_t userId = 0;
    std::optional<std::string> bio;
    relate::belongs_to<User> user;
};

struct Post {
    std::int64_t id = 0;
    std::optional<std::int64_t> userId;
    std::string title;
    relate::belongs_to<User> user;
    relate::belongs_to_many<Tag> tags;
};

struct Tag {
    std::int64_t id = 0;
    std::string name;
    relate::belongs_to_many<Post> posts;
};

}  // namespace bench
