#pragma once
// Optional nlohmann/json integration: `nlohmann::json j = user;` gives the columns plus the
// relations that are loaded, nested; relations that are not loaded are left out.
//
//   auto user = db.query<User>().with("profile", "posts").find(1);
//   return nlohmann::json(*user).dump();    // what a web handler returns

#include <relate/detail/model/column_io.hpp>
#include <relate/detail/model/edge.hpp>
#include <relate/model.hpp>

#include <nlohmann/json.hpp>

#include <type_traits>

namespace relate::detail {

template <class F>
nlohmann::json column_to_json(const F& field) {
    if constexpr (is_nullable<F>) {
        return field ? column_to_json(*field) : nlohmann::json(nullptr);
    } else if constexpr (std::is_same_v<F, bool> || std::is_arithmetic_v<F> || std::is_same_v<F, std::string>) {
        return field;
    } else {
        // Enums, blobs, times and user types: their stored value.
        struct to_json_value {
            nlohmann::json operator()(std::nullptr_t) const { return nullptr; }
            nlohmann::json operator()(std::int64_t v) const { return v; }
            nlohmann::json operator()(double v) const { return v; }
            nlohmann::json operator()(const std::string& v) const { return v; }
            nlohmann::json operator()(const blob& v) const {
                nlohmann::json bytes = nlohmann::json::array();
                for (std::byte b : v) bytes.push_back(static_cast<int>(b));
                return bytes;
            }
        };
        return std::visit(to_json_value{}, to_value(field));
    }
}

template <class T>
void model_to_json(nlohmann::json& j, const T& object);

template <class R>
void relation_to_json(nlohmann::json& j, std::string_view name, const R& relation) {
    if (!relation.loaded()) return;
    if constexpr (is_many(R::kind)) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& item : relation) {
            nlohmann::json one;
            model_to_json(one, item);
            items.push_back(std::move(one));
        }
        j[std::string(name)] = std::move(items);
    } else if constexpr (R::kind == relation_kind::morph_to) {
        if (relation)
            relation.visit([&](const auto& row) { model_to_json(j[std::string(name)], row); });
        else
            j[std::string(name)] = nullptr;
    } else if (const auto* target = relation.get()) {
        model_to_json(j[std::string(name)], *target);
    } else {
        j[std::string(name)] = nullptr;
    }
}

template <class T>
void model_to_json(nlohmann::json& j, const T& object) {
    using L = model_layout<T>;
    j = nlohmann::json::object();
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ((j[std::string(L::column_names[K])] = column_to_json(get_field<L::column_fields[K]>(object))), ...);
    }(std::make_index_sequence<L::column_count>{});
    [&]<std::size_t... R>(std::index_sequence<R...>) {
        (relation_to_json(j, L::relation_names[R], get_field<L::relation_fields[R]>(object)), ...);
    }(std::make_index_sequence<L::relation_count>{});
}

}  // namespace relate::detail

namespace nlohmann {

/// Every type relate can use as a model serialises through relate.
template <class T>
struct adl_serializer<T, std::enable_if_t<relate::detail::is_model_v<T>>> {
    static void to_json(json& j, const T& object) { relate::detail::model_to_json(j, object); }
};

}  // namespace nlohmann
