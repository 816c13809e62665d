/* analysis.c - the pipeline, with the file hash computed on a second
 * thread while the first decodes: both read the same mapping, and on two
 * cores the hash then costs nothing. */
#include "analysis.h"

#include "check.h"
#include "file.h"
#include "names_bn.h"
#include "profile.h"
#include "srcmap.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct hash_job {
    const uint8_t *bytes;
    size_t         size;
    char           hex[FS_SHA256_HEX];
} hash_job;

static void *hash_thread(void *p)
{
    hash_job *j = p;
    fs_sha256_hex(j->bytes, j->size, j->hex);
    return NULL;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* What Binaryen's Asyncify aborts on, or would write an invalid module
 * for, found before Binaryen is called so that the message can name it.
 * The rules are forksize check's (check.h), so the two never disagree.
 * A fork from a catch body only fails at run time: not stopped here. */
static int asyncify_precheck(const fs_analysis *a, unsigned version, fs_error *err)
{
    const fs_wasm_module *m = &a->m;
    const char *why;
    fs_ck mo = fs_check_asyncify_module(a, version, NULL, 0, &why);
    if (mo == FS_CK_ABORTS || mo == FS_CK_INVALID)
        return fs_error_setf(err, FS_ERR_UNSUPPORTED, "Binaryen %u's Asyncify cannot instrument "
                             "this module: %.200s", version, why);
    /* One clause per construct, in the order first met, naming up to 3. */
    enum { NKINDS = 4 };
    const char *kind[NKINDS];
    uint32_t n[NKINDS] = { 0 }, shown[NKINDS] = { 0 };
    int all_closure[NKINDS];
    char names[NKINDS][160];
    unsigned nk = 0;
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++) {
        if (fs_check_asyncify_func(a, version, f, 0, &why) != FS_CK_ABORTS)
            continue;
        unsigned k = 0;
        while (k < nk && kind[k] != why)
            k++;
        if (k == nk) {
            if (nk == NKINDS)
                continue;
            kind[nk] = why;
            names[nk][0] = 0;
            all_closure[nk++] = 1;
        }
        all_closure[k] &= a->c.in[f] != 0;
        if (shown[k] < 3) {
            const fs_func *fn = &m->funcs[f];
            char one[48];
            size_t nl = strlen(names[k]);
            fs_func_display_name(fn->name, fn->name_len < 40 ? fn->name_len : 40, f, one,
                                 sizeof one);
            snprintf(names[k] + nl, sizeof names[k] - nl, "%s%s", shown[k] ? ", " : "", one);
            shown[k]++;
        }
        n[k]++;
    }
    if (!nk)
        return FS_OK;
    char buf[sizeof err->msg];
    size_t used = 0;
    buf[0] = 0;
    for (unsigned k = 0; k < nk; k++)
        used += (size_t)snprintf(buf + used, used < sizeof buf ? sizeof buf - used : 0,
                                 "%s%u %sfunction%s use%s %s (%s%s)", used ? "; " : "", n[k],
                                 all_closure[k] ? "closure " : "", n[k] == 1 ? "" : "s",
                                 n[k] == 1 ? "s" : "", kind[k], names[k],
                                 n[k] > shown[k] ? ", ..." : "");
    return fs_error_setf(err, FS_ERR_UNSUPPORTED, "Binaryen %u's Asyncify cannot instrument "
                         "this module: %.190s", version, buf);
}

/* Runs the baseline and the asyncified pipeline side by side and
 * measures B - A.  Roots and policy map onto Asyncify's arguments. */
static int apply_asyncify(fs_analysis *a, const fs_analysis_opts *o, fs_error *err)
{
    const fs_wasm_module *m = &a->m;
    /* Which Binaryen measures goes into the report; an unusable
     * --wasm-opt is found before any work. */
    int st = fs_peer_version(o->wasm_opt, a->peer_version, sizeof a->peer_version, err);
    if (st)
        return st;
    st = o->no_precheck ? FS_OK
                        : asyncify_precheck(a, (unsigned)strtoul(a->peer_version, NULL, 10), err);
    if (st)
        return st;
    /* Root imports become asyncify-imports (all of them: no list).  A
     * defined-function root, or a policy Asyncify does not have, is
     * expressed as an onlylist of forksize's closure. */
    uint32_t nimp = 0, nall = m->nfunc_imports;
    int defined_root = 0;
    size_t cap = 1;
    /* A call-site root's import callee is an asyncify-import too; the
     * onlylist then keeps its other callers plain. */
    uint8_t *site_imp = calloc((size_t)m->nfuncs + 1, 1);
    if (!site_imp) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return FS_ERR_NOMEM;
    }
    for (uint32_t s = 0; a->c.nsite_roots && s < m->ncalls; s++)
        if (a->c.site_root[s]) {
            defined_root = 1;
            if (m->calls[s].target < m->nfunc_imports)
                site_imp[m->calls[s].target] = 1;
        }
    for (uint32_t f = 0; f < m->nfuncs; f++) {
        if (!a->c.is_root[f] && !site_imp[f])
            continue;
        if (f < m->nfunc_imports) {
            const fs_import *im = &m->imports[m->funcs[f].import];
            nimp++;
            cap += im->module_len + im->field_len + 2;
        } else {
            defined_root = 1;
        }
    }
    char *imports = NULL;
    if (nimp && nimp < nall) {
        imports = calloc(cap, 1);
        if (!imports) {
            free(site_imp);
            snprintf(err->msg, sizeof err->msg, "out of memory");
            return FS_ERR_NOMEM;
        }
        char *end = imports;
        for (uint32_t f = 0; f < m->nfunc_imports; f++) {
            if (!a->c.is_root[f] && !site_imp[f])
                continue;
            const fs_import *im = &m->imports[m->funcs[f].import];
            if (memchr(im->module, ',', im->module_len) || memchr(im->field, ',', im->field_len)) {
                free(imports);
                free(site_imp);
                snprintf(err->msg, sizeof err->msg, "import %.*s.%.*s has a comma in its name, "
                         "which asyncify-imports cannot hold", (int)im->module_len, im->module,
                         (int)im->field_len, im->field);
                return FS_ERR_UNSUPPORTED;
            }
            end += sprintf(end, "%s%.*s.%.*s", end == imports ? "" : ",", (int)im->module_len,
                           im->module, (int)im->field_len, im->field);
        }
    }
    free(site_imp);
    /* The onlylist is spelled exactly as `forksize closure --onlylist`
     * writes it (names_bn.c): Binaryen escapes each entry the way it
     * escaped the names, so entries must be the raw names. */
    fs_bn_names bn;
    fs_bn_listing listing;
    memset(&bn, 0, sizeof bn);
    memset(&listing, 0, sizeof listing);
    int use_only = defined_root || a->c.policy == FS_POLICY_TABLE ||
                   a->c.policy == FS_POLICY_TYPED;
    /* A stripped module goes to an external wasm-opt with names "fs$i"
     * (fs_peer_named_copy), and its list names functions that way. */
    uint8_t *named = NULL;
    size_t named_len = 0;
    if (o->wasm_opt && !m->has_names) {
        st = fs_peer_named_copy(m, &named, &named_len);
        if (st == FS_OK && use_only) {
            size_t lcap = 16;
            for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
                lcap += a->c.in[f] ? 16 : 0;
            listing.text = malloc(lcap);
            if (listing.text) {
                for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
                    if (a->c.in[f])
                        listing.len += (size_t)snprintf(listing.text + listing.len,
                                                        lcap - listing.len, "%sfs$%u",
                                                        listing.len ? "," : "", f);
                if (!listing.len)       /* an empty list would select every function */
                    listing.len = (size_t)snprintf(listing.text, lcap, "fs$none");
                listing.text[listing.len] = 0;
            } else {
                st = FS_ERR_NOMEM;
            }
        }
        if (st) {
            free(imports);
            free(named);
            snprintf(err->msg, sizeof err->msg, "out of memory");
            return st;
        }
    }
    if (use_only && !named) {
        st = fs_bn_names_build(&bn, m, err);
        if (st == FS_OK && bn.unreadable) {
            snprintf(err->msg, sizeof err->msg, "%.250s", bn.problem);
            st = FS_ERR_UNSUPPORTED;
        }
        if (st == FS_OK)
            st = fs_bn_listing_build(&bn, a->c.in, &listing, err);
        if (st) {
            free(imports);
            fs_bn_names_free(&bn);
            return st;
        }
        /* A list file's trailing white space is trimmed by Binaryen; the
         * pass argument is not, so drop it here. */
        while (listing.len && (listing.text[listing.len - 1] == '\n' ||
                               listing.text[listing.len - 1] == ' '))
            listing.text[--listing.len] = 0;
    }
    fs_peer_opts po[2] = {
        { 0, o->opt_level, NULL, NULL, 0, o->wasm_opt },
        { 1, o->opt_level, imports, use_only ? listing.text : NULL,
          a->c.policy == FS_POLICY_NONE, o->wasm_opt },
    };
    st = fs_peer_run(named ? named : m->bytes, named ? named_len : m->size, po, 2, a->peer,
                     o->progress, o->progress_ctx, err);
    free(named);
    free(imports);
    fs_bn_listing_free(&listing);
    fs_bn_names_free(&bn);
    if (st)
        return st;
    return fs_measure_ab(m, &a->peer[0], &a->peer[1], &a->measure, err);
}

/* --source-map FILE read into a->smap.  A bad map is bad input: its
 * name and the place (offset or "mappings" index) go in the message, since
 * the CLI names the module. */
static int group_sources(fs_analysis *a, const char *path, fs_error *err)
{
    char *text;
    size_t len;
    fs_srcmap sm;
    int st = fs_file_read(path, &text, &len, err);
    if (!st) {
        st = fs_srcmap_parse(&sm, text, len, err);
        free(text);
    }
    if (st) {
        char msg[sizeof err->msg];
        if (err->has_offset)
            snprintf(msg, sizeof msg, "--source-map %.100s: offset 0x%llx: %.120s", path,
                     (unsigned long long)err->offset, err->msg);
        else
            snprintf(msg, sizeof msg, "--source-map %.100s: %.140s", path, err->msg);
        memcpy(err->msg, msg, sizeof msg);
        err->has_offset = 0;
        return st == FS_ERR_UNSUPPORTED ? FS_ERR_MALFORMED : st;
    }
    st = fs_srcmap_dwarf(&sm, &a->m, &a->smap);
    fs_srcmap_free(&sm);
    if (st)
        snprintf(err->msg, sizeof err->msg, "out of memory");
    return st;
}

/* forkinstr, emitted (forkinstr) or counted (simulate); its frame sizes
 * feed the stack bound. */
/* The hot set of forksize instrument: --hot all, the functions each --hot
 * spec names (a spec naming none is a usage error), and --hot-profile's
 * picks among the closure functions, which are kept for the CLI to list.
 * NULL when none of them was given. */
static int hot_set(fs_analysis *a, const fs_analysis_opts *o, uint8_t **hot, fs_error *err)
{
    *hot = NULL;
    if (!o->nhot && !o->hot_all && !o->hot_profile)
        return FS_OK;
    fs_root_spec one;
    if (!(*hot = calloc((size_t)a->m.nfuncs + 1, 1))) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return FS_ERR_NOMEM;
    }
    if (o->hot_all)
        memset(*hot, 1, (size_t)a->m.nfuncs + 1);
    for (unsigned i = 0; i < o->nhot; i++) {
        fs_roots_copy(&one, &o->hot[i], 1);
        if (one.kind == FS_ROOT_CALL || one.kind == FS_ROOT_IMPORT ||
            !fs_roots_match(&a->m, &one, 1, *hot)) {
            snprintf(err->msg, sizeof err->msg, "--hot %.150s: %s", one.text,
                     one.kind == FS_ROOT_CALL || one.kind == FS_ROOT_IMPORT
                         ? "names defined functions only (func:, export: or index:)"
                         : "matches no function");
            return FS_ERR_USAGE;
        }
    }
    if (o->hot_profile) {
        fs_profile prof;
        int st = fs_profile_parse(&prof, o->hot_profile, strlen(o->hot_profile),
                                  o->hot_profile_path, &a->m, err);
        if (st)
            return st;
        uint32_t pick[16];
        a->nhot_pick = fs_profile_pick(&prof, &a->m, a->c.in, o->hot_share, *hot, pick, 16,
                                       &a->hot_closure_us);
        for (uint32_t i = 0; i < a->nhot_pick && i < 16; i++) {
            a->hot_pick[i] = pick[i];
            a->hot_pick_us[i] = prof.self_us[pick[i]];
        }
        fs_profile_free(&prof);
    }
    return FS_OK;
}

static int apply_forkinstr(fs_analysis *a, const fs_analysis_opts *o, fs_error *err)
{
    unsigned stage = o->stage ? o->stage - 1 : FS_FI_LIVE;
    int st;
    if (o->keep_module && o->apply == FS_APPLY_FORKINSTR) {
        uint8_t *hot;
        if ((st = hot_set(a, o, &hot, err))) {
            free(hot);
            return st;
        }
        st = fs_fi_run_debug(&a->m, &a->g, &a->c, stage, o->save_memory, 0, o->fi_debug,
                             o->branch_hints, hot, &a->fi, err);
        free(hot);
    } else {
        st = fs_fi_run(&a->m, &a->g, &a->c, stage, o->save_memory,
                       o->apply == FS_APPLY_SIMULATE, &a->fi, err);
    }
    if (st)
        return st;
    /* The report needs the sizes, not the module (30 MB for php), unless
     * the caller writes it out. */
    if (!o->keep_module) {
        free(a->fi.out);
        a->fi.out = NULL;
    }
    a->frames = calloc((size_t)a->m.nfuncs + 1, sizeof *a->frames);
    if (!a->frames) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return FS_ERR_NOMEM;
    }
    for (uint32_t i = 0; i < a->fi.nfuncs; i++)
        a->frames[a->fi.funcs[i].func] = a->fi.funcs[i].frame_bytes;
    return FS_OK;
}

/* Whether a defined function has no name, and whether DWARF could give one. */
static int unnamed(const fs_wasm_module *m)
{
    for (uint32_t f = m->nfunc_imports; f < m->nfuncs; f++)
        if (!m->funcs[f].name)
            return 1;
    return 0;
}

static int has_debug_info(const fs_wasm_module *m)
{
    for (uint32_t i = 0; i < m->nsections; i++)
        if (m->sections[i].id == 0 && m->sections[i].name_len == 11
            && !memcmp(m->sections[i].name, ".debug_info", 11))
            return 1;
    return 0;
}

/* The pipeline from bytes already in a->m (mapped or in memory). */
static int run_loaded(fs_analysis *a, const fs_analysis_opts *o, double t0, fs_error *err)
{
    int st;
    hash_job job = { a->m.bytes, a->m.size, { 0 } };
    pthread_t th;
    int threaded = pthread_create(&th, NULL, hash_thread, &job) == 0;
    if (!threaded)
        hash_thread(&job);
    st = fs_wasm_decode_loaded(&a->m, err);
    double t_decoded = now_ms();
    if (threaded)
        pthread_join(th, NULL);
    if (st)
        return st;
    double t_hashed = now_ms();
    /* Names from a symbol map come before the roots, which match names. */
    if (o->symbols && (st = fs_symbols_apply(&a->m, o->symbols, &a->sym, err)))
        return st;
    /* DWARF only when it answers something: a grouping by source, or
     * names for functions nothing else named (before the roots too). */
    int dwarf = fs_group_by_needs_dwarf(o->group_by) || (unnamed(&a->m) && has_debug_info(&a->m));
    uint32_t dwarf_named = 0;
    if (dwarf) {
        if ((st = fs_dwarf_info_read(&a->m, &a->dwarf, err)))
            return st;
        dwarf_named = fs_dwarf_info_name(&a->m, &a->dwarf);
    }

    if (o->nroots > sizeof a->roots / sizeof a->roots[0]) {
        snprintf(err->msg, sizeof err->msg, "too many roots");
        return FS_ERR_USAGE;
    }
    fs_roots_copy(a->roots, o->roots, o->nroots);
    a->nroots = o->nroots;
    if ((st = fs_graph_build(&a->g, &a->m, err)))
        return st;
    if ((st = fs_closure_compute(&a->c, &a->g, a->roots, a->nroots, o->policy, err)))
        return st;
    a->costs = calloc((size_t)a->m.nfuncs + 1, sizeof *a->costs);
    a->unsaveable = calloc((size_t)a->m.nfuncs + 1, sizeof *a->unsaveable);
    if (!a->costs || !a->unsaveable) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return FS_ERR_NOMEM;
    }
    fs_cost_estimate(&a->m, &a->c, o->profile, a->costs, a->unsaveable);
    /* Nothing to apply without a root (the CLI then exits 3, or with
     * --allow-empty reports the empty closure as a model figure). */
    int applied = o->apply == FS_APPLY_ASYNCIFY && a->c.nroots;
    if (applied && (st = apply_asyncify(a, o, err)))
        return st;
    int fi = (o->apply == FS_APPLY_FORKINSTR || o->apply == FS_APPLY_SIMULATE) && a->c.nroots;
    char fallback[300] = "";
    if (fi && (st = apply_forkinstr(a, o, err))) {
        if (st != FS_ERR_UNSUPPORTED || !o->apply_default)
            return st;
        /* The default mode on a module forkinstr refuses whole: say so
         * and price it with the model. */
        snprintf(fallback, sizeof fallback, "%.200s; priced with the model instead "
                 "(--apply model)", err->msg);
        snprintf(a->fi_refusal, sizeof a->fi_refusal, "%.230s", err->msg);
        fs_fi_free(&a->fi);
        fi = 0;
    }
    static const char *const apply_name[4] = { "model", "asyncify", "forkinstr", "simulate" };
    fs_report_input in = {
        .m = &a->m, .g = &a->g, .c = &a->c, .costs = a->costs, .unsaveable = a->unsaveable,
        .profile = o->profile, .specs = a->roots, .nspecs = a->nroots,
        .roots_default = o->roots_default, .sha256 = job.hex, .tool_version = o->tool_version,
        .measure = applied ? &a->measure : NULL,
        .fi = fi ? &a->fi : NULL, .fi_dry = o->apply == FS_APPLY_SIMULATE,
        .apply = apply_name[fallback[0] ? FS_APPLY_MODEL : o->apply], .opt_level = o->opt_level,
        .fallback = fallback[0] ? fallback : NULL,
        .peer_seconds = { a->peer[0].seconds, a->peer[1].seconds },
        .binaryen_version = a->peer_version, .wasm_opt = o->wasm_opt,
        .symbols_path = o->symbols, .no_demangle = o->no_demangle, .symbols_lines = a->sym.lines,
        .symbols_applied = a->sym.applied, .symbols_kept = a->sym.kept,
        .dwarf_read = a->dwarf.present, .dwarf_named = dwarf_named, .dwarf_cus = a->dwarf.ncus,
        .dwarf_warning = a->dwarf.has_warning ? a->dwarf.warning : NULL,
        /* stack-bound frames: forkinstr's exact ones, else the model's */
        .frames = fi ? a->frames : NULL,
        .frames_label = fi ? (o->apply == FS_APPLY_SIMULATE ? "exact (dry run)" : "measured")
                           : NULL,
    };
    if ((st = fs_report_build(&a->report, &in, err)))
        return st;
    int by_map = 0;
    if (o->source_map && (o->group_by == FS_GROUP_FILE || o->group_by == FS_GROUP_DIR)) {
        if (a->dwarf.present) {
            if (a->report.nwarnings < FS_REPORT_MAX_WARNINGS)
                snprintf(a->report.warnings[a->report.nwarnings++], sizeof a->report.warnings[0],
                         "--source-map: the module has DWARF .debug_info, which --group-by "
                         "%s uses; the map is not read", fs_group_by_name[o->group_by]);
        } else if ((st = group_sources(a, o->source_map, err))) {
            return st;
        } else {
            by_map = 1;
        }
    }
    if (o->group_by != FS_GROUP_NONE) {
        const fs_dwarf_info *d = a->dwarf.present ? &a->dwarf : by_map ? &a->smap : NULL;
        if ((st = fs_groups_build(&a->groups, &a->report, d, o->group_by, o->group_depth, err)))
            return st;
        a->report.groups = &a->groups;
        a->groups.from_map = by_map;
        if (fs_group_by_needs_dwarf(o->group_by) && !a->dwarf.present && !by_map
            && a->report.nwarnings < FS_REPORT_MAX_WARNINGS)
            snprintf(a->report.warnings[a->report.nwarnings++], sizeof a->report.warnings[0],
                     "--group-by %s: the module has no DWARF .debug_info, so every function "
                     "is in the \"(no source)\" group", fs_group_by_name[o->group_by]);
    }
    double t_end = now_ms();
    a->report.analyze_ms = t_end - t0;
    a->report.decode_ms = t_decoded - t0;
    a->report.hash_wait_ms = t_hashed - t_decoded;
    a->report.graph_ms = t_end - t_hashed;
    a->report.dwarf_ms = a->dwarf.ms;
    return FS_OK;
}

int fs_analysis_run(fs_analysis *a, const char *path, const fs_analysis_opts *o, fs_error *err)
{
    memset(a, 0, sizeof *a);
    double t0 = now_ms();
    /* Map first (no decoding), so the hash thread can start at once. */
    int st = fs_wasm_map(&a->m, path, err);
    return st ? st : run_loaded(a, o, t0, err);
}

int fs_analysis_run_bytes(fs_analysis *a, const uint8_t *bytes, size_t size, const char *path,
                          const fs_analysis_opts *o, fs_error *err)
{
    memset(a, 0, sizeof *a);
    memset(err, 0, sizeof *err);
    a->m.path = path;
    a->m.bytes = bytes;   /* not mapped: fs_wasm_free leaves them alone */
    a->m.size = size;
    return run_loaded(a, o, now_ms(), err);
}

void fs_analysis_free(fs_analysis *a)
{
    fs_report_free(&a->report);
    fs_fi_free(&a->fi);
    free(a->frames);
    fs_measure_free(&a->measure);
    fs_peer_out_free(&a->peer[0]);
    fs_peer_out_free(&a->peer[1]);
    free(a->costs);
    free(a->unsaveable);
    fs_closure_free(&a->c);
    fs_graph_free(&a->g);
    fs_wasm_free(&a->m);
    fs_symbols_free(&a->sym);
    fs_groups_free(&a->groups);
    fs_dwarf_info_free(&a->dwarf);
    fs_dwarf_info_free(&a->smap);
}
