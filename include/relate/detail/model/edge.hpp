#pragma once
// What a relation member means in SQL, from its owner and its type: the foreign-key column and
// where it lives, the junction table, the delete policy. Also the compile-time checks of a
// model's relations.

#include <relate/detail/model/naming.hpp>
#include <relate/detail/model/reflect.hpp>
#include <relate/detail/model/layout.hpp>
#include <relate/polymorphic.hpp>
#include <relate/relation.hpp>

#include <cstddef>
#include <string_view>
#include <type_traits>

namespace relate::detail {

/// The intermediate model of a has_many_through / has_one_through; else void.
template <class R>
struct through_of {
    using type = void;
};
template <class R>
    requires requires { typename R::through_type; }
struct through_of<R> {
    using type = typename R::through_type;
};

/// The column prefix of a polymorphic relation: morph_many's name, or morph_to's member; else empty.
template <class R>
constexpr std::string_view morph_prefix_of(std::string_view member) {
    if constexpr (requires { R::morph_prefix; })
        return R::morph_prefix;
    else if constexpr (R::kind == relation_kind::morph_to)
        return member;
    else
        return {};
}

template <class Owner, std::size_t I>
struct edge_names {
    using relation = std::remove_cvref_t<field_t<Owner, I>>;
    using target = typename relation::target_type;
    using options = typename relation::options;
    using through = typename through_of<relation>::type;
    static constexpr bool is_through = detail::is_through(relation::kind);

    static constexpr std::string_view morph_prefix = morph_prefix_of<relation>(field_name<Owner, I>);

    struct foreign_key_maker {
        static consteval small_string make() {
            if constexpr (!morph_prefix.empty())
                return small_string(morph_prefix).append("Id");
            else if constexpr (is_through && !options::through_second_key.empty())
                return options::through_second_key;
            else if constexpr (is_through)
                return foreign_key_for(type_name<through>);
            else if constexpr (!options::foreign_key.empty())
                return options::foreign_key;
            else if constexpr (relation::kind == relation_kind::belongs_to)
                return foreign_key_for(type_name<target>);
            else
                return foreign_key_for(type_name<Owner>);
        }
    };
    struct morph_type_maker {
        static consteval small_string make() {
            if constexpr (morph_prefix.empty())
                return {};
            else
                return small_string(morph_prefix).append("Type");
        }
    };
    struct junction_maker {
        static consteval small_string make() {
            if constexpr (is_through)
                return frozen<table_name_maker<through>>::value;
            else if constexpr (!options::junction.empty())
                return options::junction;
            else if constexpr (!std::is_void_v<typename options::pivot>)
                return frozen<table_name_maker<typename options::pivot>>::value;
            else
                return junction_for(type_name<Owner>, type_name<target>);
        }
    };
    struct owner_key_maker {
        static consteval small_string make() {
            if constexpr (is_through && !options::through_first_key.empty())
                return options::through_first_key;
            else if constexpr (!options::junction_owner_key.empty())
                return options::junction_owner_key;
            else
                return foreign_key_for(type_name<Owner>);
        }
    };
    struct target_key_maker {
        static consteval small_string make() {
            if constexpr (is_through)
                return model_layout<through>::primary_key_name;
            else if constexpr (!options::junction_target_key.empty())
                return options::junction_target_key;
            else
                return foreign_key_for(type_name<target>);
        }
    };
};

/// Relation member I of Owner, seen from SQL.
template <class Owner, std::size_t I>
struct edge {
    using names = edge_names<Owner, I>;
    using relation = typename names::relation;
    using target = typename names::target;

    /// belongs_to_many through<P>: the pivot struct P; else void.
    using pivot = typename relation::options::pivot;

    static constexpr relation_kind kind = relation::kind;
    static constexpr delete_policy policy = relation::options::policy;
    static constexpr std::string_view member = field_name<Owner, I>;
    /// has_many_through / has_one_through: the intermediate model; else void.
    using through = typename names::through;

    /// The foreign-key column: on Owner for belongs_to, on the target for has_one / has_many, and
    /// for a through relation the target's key to the intermediate model (posts.userId).
    static constexpr std::string_view foreign_key = frozen<typename names::foreign_key_maker>::value;
    /// belongs_to_many: the junction table and its two key columns. A through relation: the
    /// intermediate table, its key to the owner (users.countryId) and its own key (users.id).
    static constexpr std::string_view junction = frozen<typename names::junction_maker>::value;
    static constexpr std::string_view junction_owner_key = frozen<typename names::owner_key_maker>::value;
    static constexpr std::string_view junction_target_key = frozen<typename names::target_key_maker>::value;

    /// Polymorphic relations: the type column, on the target (morph_many) or on Owner (morph_to);
    /// else empty. morph_many: the value naming Owner in it.
    static constexpr std::string_view morph_type_column = frozen<typename names::morph_type_maker>::value;
    static constexpr std::string_view morph_type = morph_type_column.empty() ? std::string_view{} : morph_name_of<Owner>();

    static constexpr relation_origin origin{type_name<Owner>, member};
};

/// A type relate can use as a model, checked without asserting (for targets and traits).
template <class T>
constexpr bool is_usable_model() {
    if constexpr (!std::is_class_v<T> || !std::is_aggregate_v<T> || std::is_polymorphic_v<T>)
        return false;
    else
        return all_columns_supported<T>(std::make_index_sequence<field_count<T>>{}) &&
               has_primary_key_field<T>(std::make_index_sequence<field_count<T>>{});
}

/// is_usable_model as a value, for SFINAE (Clang 14 crashes on a consteval call there).
template <class T>
inline constexpr bool is_model_v = is_usable_model<T>();

/// Whether P has a field named `name`.
template <class P>
constexpr bool has_field_named(std::string_view name) {
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
        return ((field_name<P, K> == name) || ...);
    }(std::make_index_sequence<field_count<P>>{});
}

/// A pivot struct: an aggregate whose fields are all columns, two of them the junction's keys.
template <class P, class E>
consteval bool check_pivot() {
    if constexpr (!std::is_class_v<P> || !std::is_aggregate_v<P> || std::is_polymorphic_v<P>) {
        static_assert(dependent_false<P>, "relate: through<P> needs P to be a plain struct (an aggregate)");
        return false;
    } else if constexpr (![]<std::size_t... K>(std::index_sequence<K...>) {
                             return (column_value<column_value_t<field_t<P, K>>> && ...);
                         }(std::make_index_sequence<field_count<P>>{})) {
        static_assert(dependent_false<P>,
                      "relate: every field of a through<P> pivot struct must be a column (no relations)");
        return false;
    } else if constexpr (!has_field_named<P>(E::junction_owner_key) || !has_field_named<P>(E::junction_target_key)) {
        static_assert(dependent_false<P>,
                      "relate: a through<P> pivot struct needs a field for each junction key, named like userId and "
                      "roleId (each model's name + Id), or named with relate::junction<\"table\", \"userId\", "
                      "\"roleId\">");
        return false;
    } else {
        return true;
    }
}

/// A morph_to: every target is a model, and the owner has the member's Type and Id fields.
template <class Owner, class E, template <class...> class M, class... Targets>
consteval bool check_morph_to(std::type_identity<M<Targets...>>) {
    using L = model_layout<Owner>;
    if constexpr (!(is_usable_model<Targets>() && ...)) {
        static_assert(dependent_false<Owner>, "relate: every target of a morph_to must be a model");
        return false;
    } else if constexpr (L::find_column(E::morph_type_column) == L::column_count ||
                         L::find_column(E::foreign_key) == L::column_count) {
        static_assert(dependent_false<Owner>,
                      "relate: morph_to needs two fields named after its member: commentableType (a std::string) "
                      "and commentableId for a member named commentable");
        return false;
    } else {
        return true;
    }
}

/// A has_many_through / has_one_through: both foreign keys are there.
template <class E>
consteval bool check_through() {
    using Through = typename E::through;
    if constexpr (!is_usable_model<Through>()) {
        static_assert(dependent_false<E>, "relate: a through relation's intermediate model must be a model");
        return false;
    } else if constexpr (model_layout<Through>::find_column(E::junction_owner_key) ==
                         model_layout<Through>::column_count) {
        static_assert(dependent_false<E>,
                      "relate: a through relation needs the intermediate model to have a foreign key to this model: "
                      "a field named like countryId (this model's name + Id), or name it with "
                      "relate::through_keys<\"countryId\", \"userId\">");
        return false;
    } else if constexpr (model_layout<typename E::target>::find_column(E::foreign_key) ==
                         model_layout<typename E::target>::column_count) {
        static_assert(dependent_false<E>,
                      "relate: a through relation needs the target model to have a foreign key to the intermediate "
                      "one: a field named like userId (its name + Id), or name it with "
                      "relate::through_keys<\"countryId\", \"userId\">");
        return false;
    } else {
        return true;
    }
}

template <class T, std::size_t I>
consteval std::size_t count_fields_of_type() {
    return [&]<std::size_t... J>(std::index_sequence<J...>) {
        return (std::size_t{0} + ... + (std::is_same_v<field_t<T, J>, field_t<T, I>> ? 1 : 0));
    }(std::make_index_sequence<field_count<T>>{});
}

/// Checks relation member I of Owner; one "relate:" sentence per mistake.
template <class Owner, std::size_t I>
consteval bool check_edge() {
    using E = edge<Owner, I>;
    using Target = typename E::target;
    if constexpr (!is_usable_model<Target>()) {
        static_assert(dependent_false<Owner>,
                      "relate: a relation's target must be a model: an aggregate with a primary key whose fields "
                      "are all columns or relations");
        return false;
    } else if constexpr (count_fields_of_type<Owner, I>() != 1) {
        static_assert(dependent_false<Owner>,
                      "relate: two relation members of one model have the same type; give one of them a "
                      "relate::foreign_key<\"...\"> option");
        return false;
    } else if constexpr (E::kind == relation_kind::belongs_to) {
        if constexpr (model_layout<Owner>::find_column(E::foreign_key) == model_layout<Owner>::column_count) {
            static_assert(dependent_false<Owner>,
                          "relate: belongs_to needs a foreign-key field on its model: add a field named like userId "
                          "(the target's name + Id) or name one with relate::foreign_key<\"...\">");
            return false;
        } else {
            return true;
        }
    } else if constexpr (is_through(E::kind)) {
        return check_through<E>();
    } else if constexpr (E::kind == relation_kind::morph_to) {
        return check_morph_to<Owner, E>(std::type_identity<typename E::relation>{});
    } else if constexpr (!E::morph_type_column.empty() &&
                         model_layout<Target>::find_column(E::morph_type_column) == model_layout<Target>::column_count) {
        static_assert(dependent_false<Owner>,
                      "relate: morph_many<T, \"name\"> needs T to have a nameType field (the owner's morph name) and a "
                      "nameId field");
        return false;
    } else if constexpr (E::kind == relation_kind::has_one || E::kind == relation_kind::has_many) {
        using TL = model_layout<Target>;
        constexpr std::size_t fk = TL::find_column(E::foreign_key);
        if constexpr (fk == TL::column_count) {
            static_assert(dependent_false<Owner>,
                          "relate: has_one / has_many needs the related model to have the foreign-key field: add a "
                          "field named like userId (the owner's name + Id) to it, or name one with "
                          "relate::foreign_key<\"...\">");
            return false;
        } else if constexpr (E::policy == delete_policy::set_null &&
                             !is_nullable<typename TL::template column_t<fk>>) {
            static_assert(dependent_false<Owner>,
                          "relate: set_null needs the related model's foreign-key field to be std::optional");
            return false;
        } else {
            return true;
        }
    } else if constexpr (E::junction_owner_key == E::junction_target_key) {
        static_assert(dependent_false<Owner>,
                      "relate: a belongs_to_many's two junction columns have the same name (a model related to "
                      "itself): name them with relate::junction<\"friendships\", \"userId\", \"friendId\">");
        return false;
    } else if constexpr (!std::is_void_v<typename E::pivot>) {
        return check_pivot<typename E::pivot, E>();
    } else {
        return true;
    }
}

template <class T>
consteval bool check_relations() {
    return [&]<std::size_t... R>(std::index_sequence<R...>) {
        return (check_edge<T, model_layout<T>::relation_fields[R]>() && ...);
    }(std::make_index_sequence<model_layout<T>::relation_count>{});
}

/// Relation member I's target model.
template <class Owner, std::size_t I>
using target_of = typename edge<Owner, I>::target;

/// The field index of the relation member of type R in Owner (relation types are unique per model).
template <class Owner, class R>
consteval std::size_t relation_index() {
    std::size_t found = field_count<Owner>;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
        ((found = std::is_same_v<field_t<Owner, J>, R> ? J : found), ...);
    }(std::make_index_sequence<field_count<Owner>>{});
    return found;
}

}  // namespace relate::detail
