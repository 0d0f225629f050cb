#pragma once
// with_count, with_exists, with_sum, with_avg, with_min and with_max, as query<T> and
// relate::include(...) offer them: each asks for one aggregate of a has_many or belongs_to_many
// relation of T on every row, optionally over the related rows matching a condition.
//
//   db.query<User>().with_count(&User::posts, col<&Post::published> == true)
//                   .with_sum(&User::posts, &Post::score).get();    // then user.posts.sum()

#include <relate/detail/core/text.hpp>
#include <relate/detail/loading/include_tree.hpp>
#include <relate/detail/model/edge.hpp>
#include <relate/detail/model/layout.hpp>
#include <relate/detail/model/model_desc.hpp>
#include <relate/error.hpp>
#include <relate/expr.hpp>

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace relate::detail {

/// The column ordinal of the field at `address` inside `object`.
template <class T>
std::size_t column_at(const T& object, const void* address) {
    using L = model_layout<T>;
    std::size_t found = L::column_count;
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ((static_cast<const void*>(&get_field<L::column_fields[K]>(object)) == address ? void(found = K) : void()), ...);
    }(std::make_index_sequence<L::column_count>{});
    if (found == L::column_count)
        throw error(detail::format("relate: select() names a member of {} that is not a column", type_name<T>));
    return found;
}

/// The aggregate requests of a query or an include spec (Self) on the rows of model T; Self
/// gives them a list through aggregate_list().
template <class Self, class T>
class aggregate_requests {
public:
    /// How many related rows each row has (then row.rel.count()).
    template <class R>
        requires relation_field<R>
    Self& with_count(R T::* member) {
        return request(member, aggregate_kind::count, {}, nullptr);
    }
    template <class R>
        requires relation_field<R>
    Self& with_count(R T::* member, const predicate<typename R::target_type>& condition) {
        return request(member, aggregate_kind::count, {}, &condition.sql());
    }
    /// Whether each row has a related row (then row.rel.exists()).
    template <class R>
        requires relation_field<R>
    Self& with_exists(R T::* member) {
        return request(member, aggregate_kind::exists, {}, nullptr);
    }
    template <class R>
        requires relation_field<R>
    Self& with_exists(R T::* member, const predicate<typename R::target_type>& condition) {
        return request(member, aggregate_kind::exists, {}, &condition.sql());
    }

#define RELATE_AGGREGATE_REQUEST(name, kind)                                                                   \
    template <class R, class Target, class F>                                                                  \
        requires relation_field<R>                                                                             \
    Self& name(R T::* member, F Target::* field) {                                                             \
        return request(member, kind, column_of<R>(field), nullptr);                                            \
    }                                                                                                          \
    template <class R, class Target, class F>                                                                  \
        requires relation_field<R>                                                                             \
    Self& name(R T::* member, F Target::* field, const predicate<typename R::target_type>& condition) {        \
        return request(member, kind, column_of<R>(field), &condition.sql());                                   \
    }
    /// The sum, average, least and greatest value of a numeric column of the related rows (then
    /// row.rel.sum(), avg(), min(), max()).
    RELATE_AGGREGATE_REQUEST(with_sum, aggregate_kind::sum)
    RELATE_AGGREGATE_REQUEST(with_avg, aggregate_kind::avg)
    RELATE_AGGREGATE_REQUEST(with_min, aggregate_kind::min)
    RELATE_AGGREGATE_REQUEST(with_max, aggregate_kind::max)
#undef RELATE_AGGREGATE_REQUEST

private:
    template <class R, class Target, class F>
    static std::string_view column_of(F Target::* field) {
        static_assert(std::is_same_v<Target, typename R::target_type>,
                      "relate: an aggregate's column must be a field of the related model");
        static_assert(std::is_arithmetic_v<column_value_t<F>>,
                      "relate: with_sum, with_avg, with_min and with_max take a numeric column");
        const Target probe{};  // member pointers are compared by the address they select in it
        return model_layout<Target>::column_names[column_at(probe, &(probe.*field))];
    }

    template <class R>
    Self& request(R T::*, aggregate_kind kind, std::string_view column, const fragment* condition) {
        static_assert(is_many(R::kind),
                      "relate: with_count, with_exists and the other aggregates take has_many, belongs_to_many and "
                      "has_many_through relations");
        aggregate_spec spec{relation_number<T, relation_index<T, R>()>(), kind, column, {}};
        if (condition != nullptr) spec.where = *condition;
        auto& self = static_cast<Self&>(*this);
        add_aggregate(self.aggregate_list(), std::move(spec));
        return self;
    }
};

}  // namespace relate::detail
