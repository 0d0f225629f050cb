// The Flashcore scenario (Robo.js): Discord users with warnings per guild. A user's warnings cascade
// when the user is deleted; a warning for a user that does not exist is rejected before anything is
// written; an include selects only the fields a moderation view needs.

#include <relate/relate.hpp>

#include <fmt/core.h>

#include <chrono>
#include <cstdint>
#include <string>

struct Warning;

struct User {
    std::int64_t id = 0;
    std::string username;
    relate::has_many<Warning, relate::cascade> warnings;   // deleting a user deletes its warnings
};

struct Warning {
    std::int64_t id = 0;
    std::string reason;
    std::int64_t userId = 0;
    std::string guildId;
    std::chrono::sys_seconds createdAt{};
    relate::belongs_to<User> user;
};

int main() {
    using relate::col;
    relate::database db{":memory:"};
    db.create_tables<User, Warning>();

    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    User spammer{.username = "spammer"};
    User regular{.username = "regular"};
    Warning w1{.reason = "spam links", .guildId = "123456789", .createdAt = now};
    Warning w2{.reason = "flooding", .guildId = "123456789", .createdAt = now};
    Warning w3{.reason = "off-topic", .guildId = "987654321", .createdAt = now};
    relate::unit_of_work uow{db};
    uow.insert(spammer);
    uow.insert(regular);
    uow.insert(w1, relate::parent(&Warning::user, spammer));
    uow.insert(w2, relate::parent(&Warning::user, spammer));
    uow.insert(w3, relate::parent(&Warning::user, regular));
    uow.commit();

    // The guild's warnings with their users: two statements.
    fmt::print("guild 123456789:\n");
    for (const Warning& w : db.query<Warning>().where(col<&Warning::guildId> == "123456789").with(&Warning::user).get())
        fmt::print("  {} warned for {}\n", w.user->username, w.reason);

    // Only what the view shows: reason and date (the keys needed to match rows are read anyway).
    const User user = *db.query<User>()
                           .with(relate::include(&User::warnings).select(&Warning::reason, &Warning::createdAt))
                           .find(spammer.id);
    fmt::print("{} has {} warnings\n", user.username, user.warnings.size());

    // A dangling foreign key is rejected with a message that names the model, field and value.
    try {
        db.insert(Warning{.reason = "ghost", .userId = 42, .guildId = "123456789", .createdAt = now});
        return 1;
    } catch (const relate::validation_error& e) {
        fmt::print("rejected: {}\n", e.what());
    }

    // Cascade: the spammer's warnings go with them, in one transaction.
    const relate::remove_plan plan = db.plan_remove(spammer);
    fmt::print("removing {} deletes {} warnings\n", spammer.username, plan.rows("warnings", relate::remove_action::remove));
    db.remove(spammer);
    const std::int64_t left = db.query<Warning>().count();
    fmt::print("warnings left: {}\n", left);
    return left == 1 ? 0 : 1;
}
