/* emit_opcodes.c - instruction counts per opcode over every instruction
 * of the module (function bodies and constant expressions, as WABT's
 * wasm-opcodecnt counts them), most frequent first, ties by mnemonic.
 * The text layout mirrors wasm-opcodecnt's "Opcode counts" block, so the
 * two compare once sorted (ties may come in another order); JSON also
 * gives the body-only counts. */
#include "report.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local const uint64_t *sort_counts;

static int by_count(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (sort_counts[x] != sort_counts[y])
        return sort_counts[x] > sort_counts[y] ? -1 : 1;
    return strcmp(fs_op_rows[x].text, fs_op_rows[y].text);
}

int fs_emit_opcodes(const fs_wasm_module *m, fs_format fmt, FILE *out, fs_error *err)
{
    static _Thread_local uint64_t all[FS_OP_COUNT];
    uint32_t order[FS_OP_COUNT], n = 0;
    /* Counts are per mnemonic: rows sharing one (select and typed select)
     * are folded into the first, so JSON keys stay unique and the text
     * lists each name once, as wasm-opcodecnt does. */
    static _Thread_local uint64_t body[FS_OP_COUNT];
    for (uint32_t i = 0; i < FS_OP_COUNT; i++) {
        all[i] = m->op_counts[i] + m->const_op_counts[i];
        body[i] = m->op_counts[i];
    }
    for (uint32_t i = 0; i < FS_OP_COUNT; i++)
        for (uint32_t j = 0; j < i; j++)
            if (!strcmp(fs_op_rows[i].text, fs_op_rows[j].text)) {
                all[j] += all[i];
                body[j] += body[i];
                all[i] = body[i] = 0;
                break;
            }
    for (uint32_t i = 0; i < FS_OP_COUNT; i++)
        if (all[i])
            order[n++] = i;
    uint64_t total = m->ninstructions + m->nconst_instructions;
    sort_counts = all;
    qsort(order, n, sizeof *order, by_count);
    sort_counts = NULL;
    if (fmt == FS_FMT_JSON) {
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddStringToObject(doc, "schema", "forksize/opcodes@1");
        cJSON_AddStringToObject(doc, "path", m->path);
        cJSON_AddNumberToObject(doc, "total", (double)total);
        cJSON_AddNumberToObject(doc, "in_bodies", (double)m->ninstructions);
        cJSON *c = cJSON_AddObjectToObject(doc, "counts");
        cJSON *cb = cJSON_AddObjectToObject(doc, "body_counts");
        for (uint32_t i = 0; i < n; i++) {
            cJSON_AddNumberToObject(c, fs_op_rows[order[i]].text, (double)all[order[i]]);
            if (body[order[i]])
                cJSON_AddNumberToObject(cb, fs_op_rows[order[i]].text, (double)body[order[i]]);
        }
        int st = fs_json_print(doc, out, err);
        if (st)
            return st;
    } else {
        fprintf(out, "Total opcodes: %llu\n\nOpcode counts:\n", (unsigned long long)total);
        for (uint32_t i = 0; i < n; i++)
            fprintf(out, "%s: %llu\n", fs_op_rows[order[i]].text,
                    (unsigned long long)all[order[i]]);
    }
    return ferror(out) ? FS_ERR_IO : FS_OK;
}
