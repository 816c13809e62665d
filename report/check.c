/* check.c - which instrumenter can handle which function (see check.h). */
#include "check.h"

#include <stdlib.h>
#include <string.h>

const char *const fs_ck_name[5] = { "ok", "refused", "traps", "aborts", "invalid" };

/* ---- Asyncify's rules ------------------------------------------------- */

fs_ck fs_check_asyncify_func(const fs_analysis *a, unsigned version, uint32_t f,
                             uint32_t catch_arms, const char **why)
{
    const fs_wasm_module *m = &a->m;
    const fs_func *fn = &m->funcs[f];
    *why = NULL;
    if (f < m->nfunc_imports)
        return FS_CK_OK;
    /* The scan that finds what can change state visits every function and
     * stops at the first tail call, in the closure or not. */
    if (fn->features & FS_FEAT_TAIL) {
        *why = "tail calls";
        return FS_CK_ABORTS;
    }
    if (!a->c.in[f])
        return FS_CK_OK;
    if (version <= 108 && (fn->features & FS_FEAT_EH)) {
        *why = "exception handling";
        return FS_CK_ABORTS;
    }
    if (version > 108 && (fn->features & FS_FEAT_EXNREF)) {
        *why = "exnref exception handling (try_table)";
        return FS_CK_ABORTS;
    }
    if (fn->nlocals_kind[FS_VK_REF]) {
        *why = "reference-typed locals";
        return FS_CK_ABORTS;
    }
    if (version > 108 && catch_arms) {
        *why = "a fork from a catch body (Asyncify leaves catch bodies plain)";
        return FS_CK_TRAPS;
    }
    return FS_CK_OK;
}

static int has_arg(const char *const *args, unsigned n, const char *key)
{
    size_t k = strlen(key);
    for (unsigned i = 0; i < n; i++)
        if (!strncmp(args[i], key, k) && (args[i][k] == 0 || args[i][k] == '@'))
            return 1;
    return 0;
}

/* The value of KEY@VALUE among ARGS ("" for a bare KEY), or NULL. */
static const char *arg_value(const char *const *args, unsigned n, const char *key)
{
    size_t k = strlen(key);
    for (unsigned i = 0; i < n; i++)
        if (!strncmp(args[i], key, k) && (args[i][k] == 0 || args[i][k] == '@'))
            return args[i][k] ? args[i] + k + 1 : "";
    return NULL;
}

/* Whether any of the ids FIRST..LAST (a run of opcodes.def rows) occurs. */
static int uses_ops(const fs_wasm_module *m, fs_op_id first, fs_op_id last)
{
    for (unsigned id = first; id <= (unsigned)last; id++)
        if (m->op_counts[id] || m->const_op_counts[id])
            return 1;
    return 0;
}

/* A proposal newer than Binaryen 108 that forksize decodes and 108 cannot
 * read at all (its wasm-opt stops with "error parsing wasm"), or NULL. */
static const char *unreadable_by_108(const fs_wasm_module *m)
{
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
        if (m->funcs[f].features & FS_FEAT_MEM_ORDER)
            return "acquire/release atomics (Binaryen 108 cannot read memory orders)";
    for (uint32_t t = 0; t < m->ntypes; t++)
        if (m->types[t].kind == FS_COMP_CONT)
            return "stack switching (Binaryen 108 cannot read cont types)";
    if (uses_ops(m, FS_OP_CONT_NEW, FS_OP_SWITCH))
        return "stack switching (Binaryen 108 cannot read it)";
    if (m->nstrings || uses_ops(m, FS_OP_STRING_CONST, FS_OP_STRING_ENCODE_LOSSY_UTF8_ARRAY))
        return "stringref (Binaryen 108 cannot read it)";
    /* Binaryen 132 reads all of the below, and its Asyncify
     * (src/passes/Asyncify.cpp at version_132) has no rule of its own for
     * them: what it does with such a function follows from the rules in
     * fs_check_asyncify_func (reference-typed locals abort it). */
    if ((m->ext_types & (FS_XT_DESC | FS_XT_EXACT | FS_XT_EXACT_IMPORT)) ||
        uses_ops(m, FS_OP_STRUCT_NEW_DESC, FS_OP_BR_ON_CAST_DESC_EQ_FAIL))
        return "custom descriptors (Binaryen 108 cannot read them)";
    if ((m->ext_types & (FS_XT_SHARED | FS_XT_SHARED_COMP)) ||
        uses_ops(m, FS_OP_PAUSE, FS_OP_ARRAY_ATOMIC_RMW_CMPXCHG) ||
        uses_ops(m, FS_OP_REF_I31_SHARED, FS_OP_REF_I31_SHARED))
        return "shared-everything threads (Binaryen 108 cannot read them)";
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
        if (m->funcs[f].features & FS_FEAT_XREF)
            return "exact or shared reference types (Binaryen 108 cannot read them)";
    /* GC's final encoding renumbered every instruction and type form after
     * Binaryen 108, which reads only the 2022 prototype's ("invalid code
     * after GC prefix", "unexpected type index") */
    for (uint32_t t = 0; t < m->ntypes; t++)
        if (m->types[t].kind == FS_COMP_STRUCT || m->types[t].kind == FS_COMP_ARRAY)
            return "GC in the standard encoding (Binaryen 108 cannot read it)";
    if (uses_ops(m, FS_OP_STRUCT_NEW, FS_OP_REF_I31))
        return "GC in the standard encoding (Binaryen 108 cannot read it)";
    return NULL;
}

fs_ck fs_check_asyncify_module(const fs_analysis *a, unsigned version,
                               const char *const *pass_args, unsigned npass, const char **why)
{
    const fs_wasm_module *m = &a->m;
    *why = NULL;
    if (version <= 108) {
        if ((*why = unreadable_by_108(m)) != NULL)
            return FS_CK_ABORTS;
        if (m->nmemories > 1) {
            *why = "more than one memory (Binaryen 108 cannot read multi-memory)";
            return FS_CK_ABORTS;
        }
        if (m->nmemories && m->memory64[0]) {
            *why = "a 64-bit memory: Binaryen 108's Asyncify addresses it with i32 pointers, "
                   "and its validator rejects the output";
            return FS_CK_INVALID;
        }
        return FS_CK_OK;
    }
    /* 132 keeps its data in the memory exported under the name
     * asyncify-memory gives, "memory" by default, and stops when no
     * memory is exported by that name (unless it makes a memory of its
     * own, asyncify-in-secondary-memory). */
    if (m->nmemories > 1 && !has_arg(pass_args, npass, "asyncify-in-secondary-memory")) {
        const char *name = arg_value(pass_args, npass, "asyncify-memory");
        if (!name)
            name = "memory";
        size_t len = strlen(name);
        for (uint32_t i = 0; i < m->nexports; i++)
            if (m->exports[i].kind == FS_EXT_MEMORY && m->exports[i].name_len == len &&
                !memcmp(m->exports[i].name, name, len))
                return FS_CK_OK;
        *why = "more than one memory, and none is exported under the name asyncify-memory "
               "gives (\"memory\" by default)";
        return FS_CK_ABORTS;
    }
    return FS_CK_OK;
}

/* The keys each version's Asyncify reads (getArgument/hasArgument calls in
 * src/passes/Asyncify.cpp at version_108 and version_132). */
static const char *const keys108[] = {
    "asyncify-imports", "asyncify-ignore-imports", "asyncify-ignore-indirect",
    "asyncify-removelist", "asyncify-blacklist", "asyncify-addlist", "asyncify-onlylist",
    "asyncify-whitelist", "asyncify-asserts", "asyncify-verbose", "asyncify-relocatable", NULL
};
static const char *const keys132[] = {
    "asyncify-imports", "asyncify-ignore-imports", "asyncify-ignore-indirect",
    "asyncify-removelist", "asyncify-blacklist", "asyncify-addlist", "asyncify-onlylist",
    "asyncify-whitelist", "asyncify-asserts", "asyncify-verbose", "asyncify-relocatable",
    "asyncify-import-globals", "asyncify-export-globals", "asyncify-in-secondary-memory",
    "asyncify-secondary-memory-size", "asyncify-propagate-addlist", "asyncify-memory", NULL
};

static const char *arg_note(const char *arg, unsigned version)
{
    size_t k = strcspn(arg, "@");
    const char *const *keys = version <= 108 ? keys108 : keys132;
    for (unsigned i = 0; keys[i]; i++)
        if (strlen(keys[i]) == k && !strncmp(keys[i], arg, k)) {
            /* 108 tests this one's value, not its presence. */
            if (version <= 108 && !strcmp(keys[i], "asyncify-ignore-indirect") &&
                arg[k] == '@' && !arg[k + 1])
                return "an empty value reads as not given";
            return NULL;
        }
    if (k == strlen("asyncify-ignore-unwind-from-catch") &&
        !strncmp(arg, "asyncify-ignore-unwind-from-catch", k))
        return version <= 108 ? "not read by this version"
                              : "documented in Asyncify.cpp's header, but never read";
    return "not read by this version";
}

/* ---- the check -------------------------------------------------------- */

static const fs_fi_func *fi_of(const fs_fi_result *fi, uint32_t f)
{
    uint32_t lo = 0, hi = fi->nfuncs;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (fi->funcs[mid].func < f)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < fi->nfuncs && fi->funcs[lo].func == f ? &fi->funcs[lo] : NULL;
}

static void count(fs_check_tool *t, fs_ck o)
{
    t->count[o]++;
    if (o > t->module)
        t->module = o;
}

int fs_check_build(fs_check *ck, const fs_analysis *a, const char *fi_refusal,
                   const unsigned *versions, const char *const *peer_source, unsigned nversions,
                   const char *const *pass_args, unsigned npass, fs_error *err)
{
    const fs_wasm_module *m = &a->m;
    memset(ck, 0, sizeof *ck);
    if (nversions > FS_CHECK_MAXTOOLS - 1)
        nversions = FS_CHECK_MAXTOOLS - 1;
    ck->ntools = 1 + nversions;
    fs_check_tool *t0 = &ck->tools[0];
    snprintf(t0->name, sizeof t0->name, "forkinstr");
    snprintf(t0->source, sizeof t0->source, "its dry run at stage live");
    t0->label = "exact (dry run)";
    if (fi_refusal) {
        t0->module = FS_CK_ABORTS;
        snprintf(t0->module_why, sizeof t0->module_why, "%.230s", fi_refusal);
    }
    for (unsigned i = 0; i < nversions; i++) {
        fs_check_tool *t = &ck->tools[1 + i];
        t->version = versions[i];
        snprintf(t->name, sizeof t->name, "Asyncify %u", versions[i]);
        snprintf(t->source, sizeof t->source, "%.100s; rules of Binaryen %s", peer_source[i],
                 versions[i] <= 108 ? "108" : versions[i] == 132 ? "132" : "132, assumed");
        t->label = "predicted";
        const char *why;
        t->module = fs_check_asyncify_module(a, versions[i], pass_args, npass, &why);
        if (why)
            snprintf(t->module_why, sizeof t->module_why, "%.230s", why);
    }
    ck->rows = calloc((size_t)m->nfuncs + 1, sizeof *ck->rows);
    ck->args = calloc((size_t)npass + 1, sizeof *ck->args);
    if (!ck->rows || !ck->args) {
        fs_check_free(ck);
        return fs_error_setf(err, FS_ERR_NOMEM, "out of memory");
    }
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        fs_check_row r = { .func = f, .in_closure = a->c.in[f] != 0 };
        int bad = 0;
        const fs_fi_func *ff = fi_refusal ? NULL : fi_of(&a->fi, f);
        if (r.in_closure) {
            fs_ck o = ff && ff->refused ? FS_CK_REFUSED : FS_CK_OK;
            r.outcome[0] = (uint8_t)o;
            r.why[0] = o ? ff->refused : NULL;
            if (!fi_refusal)
                count(t0, o);
            bad |= o != FS_CK_OK;
        }
        for (unsigned i = 0; i < nversions; i++) {
            const char *why;
            fs_ck o = fs_check_asyncify_func(a, versions[i], f, ff ? ff->catch_arms : 0, &why);
            r.outcome[1 + i] = (uint8_t)o;
            r.why[1 + i] = why;
            if (r.in_closure || o != FS_CK_OK)
                count(&ck->tools[1 + i], o);
            bad |= o != FS_CK_OK;
        }
        if (bad)
            ck->rows[ck->nrows++] = r;
    }
    for (unsigned j = 0; j < npass; j++) {
        ck->args[j].arg = pass_args[j];
        for (unsigned i = 0; i < nversions; i++)
            ck->args[j].note[1 + i] = arg_note(pass_args[j], versions[i]);
    }
    ck->nargs = npass;
    return FS_OK;
}

void fs_check_free(fs_check *ck)
{
    free(ck->rows);
    free(ck->args);
    memset(ck, 0, sizeof *ck);
}
