/* emit_whatif.c - the what-if table (whatif.h) as text, Markdown or JSON. */
#include <string.h>

#include <cjson/cJSON.h>

#include "report.h"
#include "whatif.h"

static void text(const fs_whatif *w, const char *path, int md, FILE *out)
{
    if (md) {
        fprintf(out, "| step | closure | refused | bytes added | growth | saving | share | label |\n"
                     "|---|---:|---:|---:|---:|---:|---:|---|\n");
    } else {
        fprintf(out, "what-if  forkinstr on %s: cumulative steps, each emitted and measured; "
                "code section %llu bytes before\n\n", path, (unsigned long long)w->code_before);
        fprintf(out, "%-30s %8s %8s %12s %8s %10s %7s  %s\n", "step", "closure", "refused",
                "bytes added", "growth", "saving", "share", "label");
    }
    for (unsigned i = 0; i < w->nsteps; i++) {
        const fs_whatif_step *s = &w->step[i];
        char saving[32] = "-", share[32] = "-";
        if (i) {
            snprintf(saving, sizeof saving, "%lld", (long long)s->saving);
            snprintf(share, sizeof share, "%.1f%%", 100.0 * s->share);
        }
        if (md)
            fprintf(out, "| %s | %u | %u | %llu | +%.1f%% | %s | %s | %s |\n", s->what, s->closure,
                    s->refused, (unsigned long long)s->added, 100.0 * s->growth, saving, share,
                    s->label);
        else
            fprintf(out, "%-30s %8u %8u %12llu %+7.1f%% %10s %7s  %s\n", s->what, s->closure,
                    s->refused, (unsigned long long)s->added, 100.0 * s->growth, saving, share,
                    s->label);
    }
    if (!md)
        fprintf(out, "\nsaving: bytes fewer than the step above (negative: more); share: of the first "
                "step's bytes.\n");
}

static int json(const fs_whatif *w, const fs_report *r, FILE *out, fs_error *err)
{
    cJSON *doc = cJSON_CreateObject();
    fs_json_head(doc, "forksize/whatif@1", r->tool_version);
    cJSON *mod = cJSON_AddObjectToObject(doc, "module");
    cJSON_AddStringToObject(mod, "path", r->path);
    cJSON_AddStringToObject(mod, "sha256", r->sha256);
    cJSON_AddNumberToObject(mod, "code_section_bytes", (double)w->code_before);
    cJSON *roots = cJSON_AddArrayToObject(doc, "roots");
    for (unsigned i = 0; i < r->nroots; i++)
        cJSON_AddItemToArray(roots, cJSON_CreateString(r->roots[i].spec));
    cJSON *steps = cJSON_AddArrayToObject(doc, "steps");
    for (unsigned i = 0; i < w->nsteps; i++) {
        const fs_whatif_step *s = &w->step[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "step", s->what);
        cJSON_AddStringToObject(o, "stage", fs_fi_stage_name[s->stage]);
        cJSON_AddStringToObject(o, "indirect", fs_policy_name[s->policy]);
        cJSON_AddNumberToObject(o, "closure", s->closure);
        cJSON_AddNumberToObject(o, "instrumented", s->instrumented);
        cJSON_AddNumberToObject(o, "refused", s->refused);
        cJSON_AddNumberToObject(o, "bytes_added", (double)s->added);
        cJSON_AddNumberToObject(o, "growth", s->growth);
        cJSON_AddNumberToObject(o, "saving", (double)s->saving);
        cJSON_AddNumberToObject(o, "share", s->share);
        cJSON *t = cJSON_AddObjectToObject(o, "terms");
        for (int k = 0; k < FS_FI_NTERMS; k++)
            cJSON_AddNumberToObject(t, fs_fi_term_name[k], (double)s->term[k]);
        cJSON_AddStringToObject(o, "label", s->label);
        cJSON_AddItemToArray(steps, o);
    }
    return fs_json_print(doc, out, err);
}

int fs_emit_whatif(const fs_whatif *w, const struct fs_report *r, int f, FILE *out,
                   fs_error *err)
{
    if (f == FS_FMT_JSON)
        return json(w, r, out, err);
    if (f == FS_FMT_CSV) {
        fprintf(out, "step,stage,indirect,closure,refused,bytes_added,growth,saving,share,"
                     "fixed,callsite,local,dispatch,label\n");
        for (unsigned i = 0; i < w->nsteps; i++) {
            const fs_whatif_step *s = &w->step[i];
            fprintf(out, "\"%s\",%s,%s,%u,%u,%llu,%.6f,%lld,%.6f,%llu,%llu,%llu,%llu,%s\n", s->what,
                    fs_fi_stage_name[s->stage], fs_policy_name[s->policy], s->closure, s->refused,
                    (unsigned long long)s->added, s->growth, (long long)s->saving, s->share,
                    (unsigned long long)s->term[0], (unsigned long long)s->term[1],
                    (unsigned long long)s->term[2], (unsigned long long)s->term[3], s->label);
        }
        return ferror(out) ? FS_ERR_IO : FS_OK;
    }
    text(w, r->path, f == FS_FMT_MD, out);
    return ferror(out) ? FS_ERR_IO : FS_OK;
}
