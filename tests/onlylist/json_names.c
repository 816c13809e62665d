/* json_names.c - reads `forksize closure --format json` and prints one
 * line per member: INDEX<TAB>BINARYEN_NAME<TAB>VIA<TAB>NEXT ("-" for
 * null), checking the shape of every element on the way (exit 1 if one is
 * wrong).  roundtrip.sh compares the names with wasm-opt's function map.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad(const char *what, int i)
{
    fprintf(stderr, "json_names: element %d: %s\n", i, what);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: json_names FILE.json\n");
        return 2;
    }
    FILE *fp = fopen(argv[1], "rb");
    if (!fp) {
        perror(argv[1]);
        return 2;
    }
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, (cap *= 2) + 1);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(fp);
    if (!buf)
        return 2;
    buf[n] = 0;
    cJSON *root = cJSON_Parse(buf);
    free(buf);
    if (!cJSON_IsArray(root)) {
        fprintf(stderr, "json_names: not a JSON array\n");
        return 1;
    }
    int i = 0, status = 0;
    double last = -1;
    const cJSON *e;
    cJSON_ArrayForEach(e, root) {
        const cJSON *idx = cJSON_GetObjectItemCaseSensitive(e, "index");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
        const cJSON *bn = cJSON_GetObjectItemCaseSensitive(e, "binaryen_name");
        const cJSON *entry = cJSON_GetObjectItemCaseSensitive(e, "list_entry");
        const cJSON *via = cJSON_GetObjectItemCaseSensitive(e, "via");
        const cJSON *next = cJSON_GetObjectItemCaseSensitive(e, "next");
        if (!cJSON_IsNumber(idx) || idx->valuedouble <= last)
            status |= bad("index missing or not increasing", i);
        else if (!(cJSON_IsString(name) || cJSON_IsNull(name)))
            status |= bad("name is neither a string nor null", i);
        else if (!cJSON_IsString(bn) || !cJSON_IsString(entry) || !*entry->valuestring)
            status |= bad("binaryen_name or list_entry missing", i);
        else if (!cJSON_IsString(via) ||
                 (strcmp(via->valuestring, "root") && strcmp(via->valuestring, "call") &&
                  strcmp(via->valuestring, "indirect") && strcmp(via->valuestring, "policy")))
            status |= bad("via is not root, call, indirect or policy", i);
        else if ((!strcmp(via->valuestring, "call") || !strcmp(via->valuestring, "indirect"))
                     ? !cJSON_IsNumber(next) : !cJSON_IsNull(next))
            status |= bad("next does not fit via", i);
        else {
            last = idx->valuedouble;
            if (cJSON_IsNumber(next))
                printf("%.0f\t%s\t%s\t%.0f\n", idx->valuedouble, bn->valuestring,
                       via->valuestring, next->valuedouble);
            else
                printf("%.0f\t%s\t%s\t-\n", idx->valuedouble, bn->valuestring,
                       via->valuestring);
        }
        i++;
    }
    cJSON_Delete(root);
    return status;
}
