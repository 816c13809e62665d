/*
 * forksh - a tiny shell that forks once per pipeline stage.
 *
 * It is the small bundled corpus module of forksize: a real program whose
 * fork path is short and easy to read.  Scripts come from `-c SCRIPT` or stdin;
 * lines hold commands separated by `;`, commands hold stages separated by `|`,
 * words may be quoted with '...' or "...", and `#` starts a comment.  WebAssembly
 * has no exec, so every command is a builtin (see the table near the end) and is
 * dispatched through a function pointer (call_indirect in the module).
 *
 * A single command runs in the shell process.  A pipeline `a | b | c` forks one
 * child per stage: the parent makes each pipe, forks, closes its own copies of
 * the pipe ends and finally waits for every child; the status is the last stage's.
 *
 * Host ABI (wasm32-wasi; module "env"; every value is an i32):
 *   env.fork()            -> pid   0 in the child, > 0 in the parent, < 0 on error.
 *                                  The child resumes from this call with a copy of
 *                                  linear memory, globals and the WASI fd table.
 *   env.wait(pid)         -> status  blocks until child `pid` ends; its exit status
 *                                  (0..255), or -1 if `pid` is not a child.
 *   env.pipe(fds)         -> 0 / -1  writes two fresh WASI fds at fds[0] (read end)
 *                                  and fds[1] (write end); fd_read/fd_write/fd_close
 *                                  must work on them, EOF once all write ends close.
 *   env.exit_child(status)           ends the calling child process; never returns.
 * Everything else is plain WASI (fd_read, fd_write, fd_close, args_*, proc_exit).
 *
 * Built natively (no __wasm__) the same four calls map to fork(), waitpid(),
 * pipe() and _exit(), so the two builds can be compared line for line.
 */
#ifndef __wasm__
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <sys/wait.h>
#endif
#include <unistd.h>

#ifdef __wasm__
#define ENV_IMPORT(name) __attribute__((import_module("env"), import_name(name)))
ENV_IMPORT("fork") int env_fork(void);
ENV_IMPORT("wait") int env_wait(int pid);
ENV_IMPORT("pipe") int env_pipe(int *fds);
ENV_IMPORT("exit_child") __attribute__((noreturn)) void env_exit_child(int status);
#else
static int env_fork(void) { return (int)fork(); }
static int env_pipe(int *fds) { return pipe(fds); }
static void env_exit_child(int status) { _exit(status); }
static int env_wait(int pid) {
  int st;
  while (waitpid((pid_t)pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
#endif

#define NOINLINE __attribute__((noinline))
enum { MAX_STAGES = 16, MAX_ARGS = 32, LINE_MAX_ = 1024, SCRIPT_MAX = 65536 };

struct stage { int argc; char *argv[MAX_ARGS + 1]; };
struct ob { int fd, n, err; char b[512]; };   /* buffered output */
struct ib { int fd, n, pos; char b[512]; };   /* buffered input */

/* ---- string helpers (never reach fork) ---- */
static int str_len(const char *s) { int n = 0; while (s[n]) n++; return n; }
static int str_eq(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}
static int is_blank(int c) { return c == ' ' || c == '\t' || c == '\r'; }
static int is_space(int c) { return is_blank(c) || c == '\n'; }
static int to_upper(int c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }
static int to_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int parse_int(const char *s, int *out) {
  int neg = 0, v = 0;
  if (*s == '-') neg = 1, s++;
  if (!*s) return -1;
  for (; *s; s++) { if (*s < '0' || *s > '9') return -1; v = v * 10 + (*s - '0'); }
  *out = neg ? -v : v;
  return 0;
}

/* ---- I/O helpers ---- */
static void ob_flush(struct ob *o) {
  int off = 0;
  while (off < o->n && !o->err) {
    long w = (long)write(o->fd, o->b + off, (unsigned long)(o->n - off));
    if (w <= 0) o->err = 1; else off += (int)w;
  }
  o->n = 0;
}
static void ob_putc(struct ob *o, int c) {
  if (o->n == (int)sizeof o->b) ob_flush(o);
  o->b[o->n++] = (char)c;
}
static void ob_puts(struct ob *o, const char *s) { while (*s) ob_putc(o, *s++); }
static void ob_putn(struct ob *o, int v) {
  char t[12]; int i = 0; unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
  if (v < 0) ob_putc(o, '-');
  do t[i++] = (char)('0' + u % 10); while (u /= 10);
  while (i) ob_putc(o, t[--i]);
}
static int ib_getc(struct ib *in) {
  if (in->pos == in->n) {
    long r = (long)read(in->fd, in->b, sizeof in->b);
    if (r <= 0) return -1;
    in->n = (int)r, in->pos = 0;
  }
  return (unsigned char)in->b[in->pos++];
}
/* Reads one line without its '\n' (truncated at max-1); -1 at EOF. */
static int ib_getline(struct ib *in, char *line, int max) {
  int c, n = 0;
  while ((c = ib_getc(in)) >= 0 && c != '\n') if (n < max - 1) line[n++] = (char)c;
  line[n] = '\0';
  return c < 0 && n == 0 ? -1 : n;
}
static void err2(const char *a, const char *b) {
  struct ob o = {2, 0, 0, {0}};
  ob_puts(&o, "forksh: "); ob_puts(&o, a); ob_puts(&o, b); ob_putc(&o, '\n'); ob_flush(&o);
}

/* ---- builtins: int fn(argc, argv, in_fd, out_fd), called via function pointer ---- */
typedef int (*builtin_fn)(int argc, char **argv, int in, int out);

static int b_echo(int argc, char **argv, int in, int out) {
  struct ob o = {out, 0, 0, {0}}; int i = 1, nl = 1;
  (void)in;
  if (argc > 1 && str_eq(argv[1], "-n")) nl = 0, i++;
  for (int first = i; i < argc; i++) { if (i > first) ob_putc(&o, ' '); ob_puts(&o, argv[i]); }
  if (nl) ob_putc(&o, '\n');
  ob_flush(&o);
  return o.err;
}
static int b_seq(int argc, char **argv, int in, int out) {
  struct ob o = {out, 0, 0, {0}}; int lo = 1, hi;
  (void)in;
  if (argc < 2 || argc > 3 || parse_int(argv[argc - 1], &hi) ||
      (argc == 3 && parse_int(argv[1], &lo))) { err2("usage: seq [FIRST] LAST", ""); return 2; }
  for (int v = lo; v <= hi && !o.err; v++) { ob_putn(&o, v); ob_putc(&o, '\n'); }
  ob_flush(&o);
  return o.err;
}
/* cat, upper, lower: byte filters sharing one loop; mode picks the mapping. */
static int filter(int in, int out, int mode) {
  struct ib i = {in, 0, 0, {0}}; struct ob o = {out, 0, 0, {0}}; int c;
  while (!o.err && (c = ib_getc(&i)) >= 0)
    ob_putc(&o, mode == 1 ? to_upper(c) : mode == 2 ? to_lower(c) : c);
  ob_flush(&o);
  return o.err;
}
static int b_cat(int argc, char **argv, int in, int out) { (void)argc, (void)argv; return filter(in, out, 0); }
static int b_upper(int argc, char **argv, int in, int out) { (void)argc, (void)argv; return filter(in, out, 1); }
static int b_lower(int argc, char **argv, int in, int out) { (void)argc, (void)argv; return filter(in, out, 2); }
static int b_rev(int argc, char **argv, int in, int out) {
  struct ib i = {in, 0, 0, {0}}; struct ob o = {out, 0, 0, {0}}; char line[LINE_MAX_]; int n;
  (void)argc, (void)argv;
  while (!o.err && (n = ib_getline(&i, line, sizeof line)) >= 0) {
    while (n) ob_putc(&o, line[--n]);
    ob_putc(&o, '\n');
  }
  ob_flush(&o);
  return o.err;
}
static int b_wc(int argc, char **argv, int in, int out) {
  struct ib i = {in, 0, 0, {0}}; struct ob o = {out, 0, 0, {0}}; int c, lines = 0, words = 0, bytes = 0, inw = 0;
  (void)argc, (void)argv;
  while ((c = ib_getc(&i)) >= 0) {
    bytes++, lines += c == '\n';
    if (is_space(c)) inw = 0; else if (!inw) inw = 1, words++;
  }
  ob_putn(&o, lines); ob_putc(&o, ' '); ob_putn(&o, words); ob_putc(&o, ' '); ob_putn(&o, bytes);
  ob_putc(&o, '\n'); ob_flush(&o);
  return o.err;
}
static int b_head(int argc, char **argv, int in, int out) {
  struct ib i = {in, 0, 0, {0}}; struct ob o = {out, 0, 0, {0}}; char line[LINE_MAX_]; int n = 10;
  if (argc > 2 || (argc == 2 && parse_int(argv[1], &n))) { err2("usage: head [N]", ""); return 2; }
  while (n-- > 0 && !o.err && ib_getline(&i, line, sizeof line) >= 0) { ob_puts(&o, line); ob_putc(&o, '\n'); }
  ob_flush(&o);
  return o.err;
}
static int b_sum(int argc, char **argv, int in, int out) {
  struct ib i = {in, 0, 0, {0}}; struct ob o = {out, 0, 0, {0}}; char line[LINE_MAX_]; int v, total = 0;
  (void)argc, (void)argv;
  while (ib_getline(&i, line, sizeof line) >= 0) if (!parse_int(line, &v)) total += v;
  ob_putn(&o, total); ob_putc(&o, '\n'); ob_flush(&o);
  return o.err;
}
static int b_true(int argc, char **argv, int in, int out) { (void)argc, (void)argv, (void)in, (void)out; return 0; }
static int b_false(int argc, char **argv, int in, int out) { (void)argc, (void)argv, (void)in, (void)out; return 1; }

static const struct { const char *name; builtin_fn fn; } builtins[] = {
  {"echo", b_echo}, {"seq", b_seq},   {"cat", b_cat}, {"upper", b_upper}, {"lower", b_lower},
  {"rev", b_rev},   {"wc", b_wc},     {"head", b_head}, {"sum", b_sum},   {"true", b_true},
  {"false", b_false},
};

/* Looks the command up and calls it through the table: the call_indirect site. */
static NOINLINE int run_command(struct stage *s, int in, int out) {
  for (unsigned i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
    if (str_eq(builtins[i].name, s->argv[0])) return builtins[i].fn(s->argc, s->argv, in, out);
  err2(s->argv[0], ": not found");
  return 127;
}

/* ---- the fork path: main -> run_line -> run_pipeline -> spawn_stage -> env.fork ---- */
static NOINLINE int spawn_stage(struct stage *s, int in, int out, int unused_fd) {
  int pid = env_fork();
  if (pid == 0) {                       /* child: run the stage, never return */
    if (unused_fd >= 0) close(unused_fd);
    env_exit_child(run_command(s, in, out));
  }
  if (pid < 0) err2(s->argv[0], ": fork failed");
  return pid;
}

static NOINLINE int run_pipeline(struct stage *st, int n) {
  int pids[MAX_STAGES], in = 0, status = 0, i;
  if (n == 1) return run_command(&st[0], 0, 1);     /* no fork for a lone command */
  for (i = 0; i < n; i++) {
    int fds[2] = {-1, -1}, out = 1;
    if (i < n - 1) {
      if (env_pipe(fds) < 0) { err2("pipe failed", ""); break; }
      out = fds[1];
    }
    pids[i] = spawn_stage(&st[i], in, out, fds[0]);
    if (in != 0) close(in);
    if (out != 1) close(out);
    in = fds[0];
    if (pids[i] < 0) break;
  }
  if (in > 0) close(in);
  for (int j = 0; j < i; j++) status = env_wait(pids[j]);  /* children 0..i-1 exist */
  return i == n ? status : 126;
}

/* Splits one line into `;`-separated pipelines of `|`-separated stages and runs them. */
static NOINLINE int run_line(const char *p) {
  static struct stage st[MAX_STAGES];
  char words[LINE_MAX_ + 1], *d = words;
  int n = 0, status = 0;
  st[0].argc = 0;
  for (;;) {
    while (is_blank(*p)) p++;
    char c = *p;
    if (c == '|') {
      if (st[n].argc == 0 || n + 1 == MAX_STAGES) { err2("syntax error near '|'", ""); return 2; }
      st[++n].argc = 0, p++;
    } else if (c == '\0' || c == ';' || c == '#') {
      if (st[n].argc > 0) status = run_pipeline(st, n + 1);
      else if (n > 0) { err2("syntax error: empty pipeline stage", ""); return 2; }
      if (c != ';') return status;
      n = 0, st[0].argc = 0, d = words, p++;
    } else {                                          /* a word, quotes removed */
      struct stage *s = &st[n];
      if (s->argc == MAX_ARGS) { err2("too many arguments", ""); return 2; }
      s->argv[s->argc++] = d;
      while (*p && !is_blank(*p) && *p != ';' && *p != '|') {
        if (*p == '\'' || *p == '"') { char q = *p++; while (*p && *p != q) *d++ = *p++; if (*p) p++; }
        else *d++ = *p++;
      }
      *d++ = '\0';
      s->argv[s->argc] = 0;
    }
  }
}

static char script[SCRIPT_MAX];

int main(int argc, char **argv) {
  int len = 0, status = 0;
  if (argc == 3 && str_eq(argv[1], "-c")) {
    for (const char *s = argv[2]; *s && len < SCRIPT_MAX - 1; s++) script[len++] = *s;
  } else if (argc == 1) {
    long r;
    while (len < SCRIPT_MAX - 1 && (r = (long)read(0, script + len, (unsigned long)(SCRIPT_MAX - 1 - len))) > 0)
      len += (int)r;
  } else {
    err2("usage: forksh [-c SCRIPT]  (script on stdin otherwise)", "");
    return 2;
  }
  script[len] = '\0';
  for (char *line = script, *nl; *line; line = nl) {
    for (nl = line; *nl && *nl != '\n'; nl++) {}
    if (*nl) *nl++ = '\0';
    if (str_len(line) >= LINE_MAX_) { err2("line too long", ""); status = 2; continue; }
    status = run_line(line);
  }
  return status;
}
