/* jflat.c - prints a JSON document as one "path=value" line per leaf, so
 * the diff tests can check fields with grep (no jq on a fresh machine).
 * Paths: a.b[0].c; strings bare, integers without a fraction, true/false,
 * null; empty arrays and objects as [] and {}. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void walk(const cJSON *j, char *path, size_t len, size_t cap)
{
    if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
        if (!j->child) {
            printf("%s=%s\n", path, cJSON_IsArray(j) ? "[]" : "{}");
            return;
        }
        int i = 0;
        for (const cJSON *c = j->child; c; c = c->next, i++) {
            int n = cJSON_IsArray(j) ? snprintf(path + len, cap - len, "[%d]", i)
                                     : snprintf(path + len, cap - len, "%s%s", len ? "." : "",
                                                c->string);
            if (n < 0 || (size_t)n >= cap - len)
                exit(2);
            walk(c, path, len + (size_t)n, cap);
            path[len] = 0;
        }
    } else if (cJSON_IsString(j)) {
        printf("%s=%s\n", path, j->valuestring);
    } else if (cJSON_IsNumber(j)) {
        double v = j->valuedouble;
        if (v == floor(v) && fabs(v) < 1e15)
            printf("%s=%lld\n", path, (long long)v);
        else
            printf("%s=%.17g\n", path, v);
    } else if (cJSON_IsBool(j)) {
        printf("%s=%s\n", path, cJSON_IsTrue(j) ? "true" : "false");
    } else {
        printf("%s=null\n", path);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: jflat FILE.json\n");
        return 2;
    }
    FILE *fp = fopen(argv[1], "rb");
    if (!fp)
        return 2;
    static char buf[1 << 24];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    cJSON *doc = cJSON_ParseWithLength(buf, n);
    if (!doc) {
        fprintf(stderr, "jflat: %s: not JSON\n", argv[1]);
        return 1;
    }
    char path[4096] = "";
    walk(doc, path, 0, sizeof path);
    cJSON_Delete(doc);
    return 0;
}
