#pragma once
// The schema both twins work on, as an application that owns its DDL writes it: foreign keys
// declared (SQLite checks them only with PRAGMA foreign_keys=ON), an index on each foreign key that
// a lookup or a delete goes through, no ON DELETE actions (the twins cascade themselves). Both twins
// run these statements themselves, before their timer starts.

#include <string>
#include <vector>

namespace bench {

inline std::vector<std::string> schema_statements() {
    return {
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL)",
        "CREATE TABLE profiles (id INTEGER PRIMARY KEY, userId INTEGER NOT NULL REFERENCES users (id), bio TEXT)",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, userId INTEGER NOT NULL REFERENCES users (id),"
        " title TEXT NOT NULL, body TEXT NOT NULL)",
        "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
        "CREATE TABLE post_tags (postId INTEGER NOT NULL REFERENCES posts (id),"
        " tagId INTEGER NOT NULL REFERENCES tags (id), PRIMARY KEY (postId, tagId))",
        "CREATE INDEX profiles_userId ON profiles (userId)",
        "CREATE INDEX posts_userId ON posts (userId)",
        "CREATE INDEX post_tags_tagId ON post_tags (tagId)",
    };
}

/// Fills the empty tables of a ":memory:" database from a seeded file (its schema created first).
inline std::vector<std::string> copy_statements(const std::string& seeded_file) {
    std::string quoted = "'";
    for (const char c : seeded_file) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    std::vector<std::string> out{"ATTACH DATABASE " + quoted + "' AS seeded"};
    for (const char* table : {"users", "profiles", "posts", "tags", "post_tags"})
        out.push_back(std::string("INSERT INTO main.") + table + " SELECT * FROM seeded." + table);
    out.emplace_back("DETACH DATABASE seeded");
    return out;
}

}  // namespace bench
