#pragma once
// The two models the include-path compile-fail tests load through: User has_many Post, Post
// belongs_to User (so a path can cycle through them).

#include <relate/relate.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct Post;

struct User {
    std::int64_t id = 0;
    std::string name;
    relate::has_many<Post> posts;
};

struct Post {
    std::int64_t id = 0;
    std::optional<std::int64_t> userId;
    std::string title;
    relate::belongs_to<User> user;
};
