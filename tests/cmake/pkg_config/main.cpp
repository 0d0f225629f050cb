#include <relate/relate.hpp>

int main()
{
    relate::database db{":memory:"};
    return 0;
}
