#pragma once
// The range concepts relate's signatures take (a list of keys or values: a vector, an array, a
// span, a view), decided by begin() and end() as a range-for finds them. They stand in for
// <ranges>, which cost every file that includes relate 4% of the compiler's work (g++ 12, callgrind).

#include <iterator>
#include <utility>

namespace relate::detail {

namespace range_access {
using std::begin;
using std::end;
using std::size;

template <class R>
using iterator_t = decltype(begin(std::declval<R&>()));

template <class R>
concept input_range = requires(R& r) {
    begin(r);
    end(r);
} && std::input_iterator<iterator_t<R>>;

template <class R>
concept sized_range = input_range<R> && requires(R& r) { size(r); };

template <sized_range R>
auto size_of(R& r) {
    return size(r);
}
}  // namespace range_access

using range_access::input_range;
using range_access::sized_range;
using range_access::size_of;

template <class R>
using range_value_t = std::iter_value_t<range_access::iterator_t<R>>;
template <class R>
using range_reference_t = std::iter_reference_t<range_access::iterator_t<R>>;

}  // namespace relate::detail
