/* dbg.c - a small C program with DWARF (tests/instrument/debug.sh): built
 * with clang-14 -g for wasm32, instrumented by forksize, its line table
 * checked against the input's.  fork is the env.fork import, so every
 * function that calls it, directly or not, is in the closure; leaf stays
 * out of it.  Edit it and the golden file (dbg.lines) must be redone by
 * hand. */
__attribute__((import_module("env"), import_name("fork"))) int fork(void);

static int leaf(int x)
{
    return x * 3 + 1;
}

__attribute__((noinline)) static int helper(int x)
{
    int r = fork();
    return r + leaf(x);
}

int work(int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += helper(i);
    return s;
}
