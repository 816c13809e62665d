/*
 * depth.c - the micro-workload of scripts/runtime-bench.sh: a recursion whose
 * bottom may call env.fork, so that the cost of one unwind plus rewind can be
 * timed at a chosen call depth, and the deepest recursion the engine allows
 * can be found, for every variant of the same module.
 *
 * down(n, x, f) keeps three values live across its recursive call (a, b and
 * the argument n), as a typical frame of a real program would, so that every
 * instrumentation has locals to save.  With f != 0 the bottom frame calls
 * env.fork; with f == 0 it never does, and the recursion runs the normal path.
 *
 * Exports: down_to(depth, fork) -> checksum, save_area() -> address of a
 * 1 MiB static buffer the host uses for the Asyncify data struct.
 * Build: clang-14 --target=wasm32 -O2 -nostdlib -Wl,--no-entry (runtime-bench.sh).
 */
__attribute__((import_module("env"), import_name("fork"))) int env_fork(void);

static char save[1 << 20];

__attribute__((noinline)) static int down(int n, int x, int f)
{
    int a = x * 3 + n, b = x ^ (n << 1);
    if (n == 0)
        return (f ? env_fork() : 0) + a;
    int r = down(n - 1, a + b, f);
    return r + a - b;
}

__attribute__((export_name("down_to"))) int down_to(int depth, int fork)
{
    return down(depth, 1, fork);
}

__attribute__((export_name("save_area"))) char *save_area(void)
{
    return save;
}
