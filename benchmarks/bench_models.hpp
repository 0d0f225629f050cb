#pragma once
// The relate twin's models: the tables of schema.hpp as a relate user declares them
// (docs/models.md). The user's profile and posts cascade, so W6 removes a user with everything
// below it. Declaring models needs only <relate/relation.hpp>; the files that query include
// <relate/relate.hpp>.

#include <relate/relation.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace bench::models {

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
    std::int64_t userId = 0;
    std::string title;
    std::string body;
    relate::belongs_to<User> user;
    relate::belongs_to_many<Tag> tags;  // junction post_tags (postId, tagId)
};

struct Tag {
    std::int64_t id = 0;
    std::string name;
};

}  // namespace bench::models
