// fixture.cpp - C++ names for the demangler test (tests/demangle/oracle.sh).
// Built freestanding for wasm32 by clang-14 and linked with --no-demangle,
// so the name section holds the mangled names.  Each construct below is
// here for the mangling it produces: namespaces, templates (types, values,
// packs), overloads, operators, ctors/dtors, virtual functions and a
// thunk, lambdas, a static local and a local class, an anonymous
// namespace, function pointers and references.
#define KEEP __attribute__((noinline))

// What the freestanding build must supply itself: destructor registration
// for the static local, and the delete the deleting destructors call.
extern "C" int __cxa_atexit(void (*)(void *), void *, void *) { return 0; }

// The one import: the unwind point the closure (--root import:env.fork)
// grows from, so the groups carry costs.
extern "C" __attribute__((import_module("env"), import_name("fork"))) int host_fork(void);
void operator delete(void *) noexcept {}
void operator delete(void *, unsigned long) noexcept {}

namespace geo {
struct Vec {
    int x, y;
    KEEP Vec(int a, int b) : x(a), y(b) {}
    KEEP ~Vec() { x = 0; }
    KEEP Vec operator+(const Vec &o) const { return Vec(x + o.x, y + o.y); }
    KEEP bool operator==(const Vec &o) const { return x == o.x && y == o.y; }
    KEEP int operator[](int i) const { return i ? y : x; }
    KEEP Vec &operator+=(int k) { x += k; return *this; }
    KEEP int operator()(int k) const & { return x * k; }
    KEEP explicit operator int() const { return x + y; }
    KEEP int dot(const Vec &o) const volatile { return x * o.x + y * o.y; }
};

KEEP int area(int w, int h) { return w * h + host_fork(); }
KEEP double area(double r) { return 3.0 * r * r; }
KEEP long area(const Vec *v, unsigned n, char **tags) { return v[0].x * (long)n + (tags ? 1 : 0); }

namespace detail {
template <typename T> struct Box {
    T v;
    KEEP explicit Box(T t) : v(t) {}
    KEEP T get() const { host_fork(); return v; }
    template <typename U> KEEP U as(U scale) const { return (U)v * scale; }
};
template <int N> KEEP int shift(int x) { return x << N; }
template <typename T, typename U> KEEP T pick(T a, U b, T (*f)(T, U)) { return f(a, b); }
template <typename... Ts> KEEP int count(Ts...) { return (int)sizeof...(Ts); }
template <bool B> KEEP int flag() { return B ? 1 : 0; }
}  // namespace detail
}  // namespace geo

struct Shape {
    virtual ~Shape() {}
    virtual int sides() const { return 0; }
};
struct Named {
    virtual ~Named() {}
    virtual const char *name() const { return "named"; }
};
struct Square : Shape, Named {
    KEEP int sides() const override { return 4 + host_fork(); }
    KEEP const char *name() const override { return "square"; }
};

namespace {
KEEP int hidden(int x) { return x * host_fork(); }
}

static int add(int a, short b) { return a + b; }

template <typename F> KEEP int apply_twice(F f, int x) { return f(f(x)); }

// Lambdas in a template (or inline) function are mangled as 'lambda'
// (UlE_); in run() clang names them $_0, $_1 instead.
template <typename T> KEEP T lambdas(T t)
{
    auto inc = [](T x) { return x + host_fork(); };
    auto mul = [t](T x, T y) { return x * y * t; };
    return apply_twice(inc, (int)t) + mul(t, t);
}

KEEP int with_static(int k)
{
    struct Local {
        KEEP static int twice(int v) { return 2 * v; }
    };
    static geo::Vec origin(k, k);          // a static local with a guard
    return Local::twice(origin.x);
}

KEEP void take_refs(int &a, int &&b, const volatile char *c, void (*cb)(int *)) { a += b + *c; cb(&a); }

static void sink(int *) {}

extern "C" KEEP int run(int k)
{
    geo::Vec a(1, 2), b(3, 4);
    geo::Vec c = a + b;
    c += 3;
    int r = c[1] + (a == b) + c(2) + (int)c + c.dot(a);
    r += geo::area(2, 3) + (int)geo::area(1.5) + (int)geo::area(&a, 2, 0);
    geo::detail::Box<int> bi(k);
    geo::detail::Box<geo::Vec> bv(a);
    r += bi.get() + bv.get().x + (int)bi.as<double>(2.0) + bi.as<long>(3L);
    r += geo::detail::shift<3>(k) + geo::detail::pick<int, short>(k, 2, add);
    r += geo::detail::count(1, 'c', 2.0) + geo::detail::count() + geo::detail::flag<true>();
    Square sq;
    Named *n = &sq;
    r += sq.sides() + (n->name()[0]);
    r += hidden(k) + with_static(k);
    r += apply_twice([](int x) { return x + 1; }, k);
    r += apply_twice([k](int x) { return x * k; }, 2);
    r += lambdas(k) + (int)lambdas<long>(k);
    int m = 1;
    take_refs(m, 2, "x", sink);
    return r + m;
}
