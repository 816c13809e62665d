/* jflat.c - prints a JSON document as one "path=value" line per leaf, so
 * that the script tests can read fields with grep and awk, and compare two
 * documents with cmp (no jq on a fresh machine).  The one JSON reader of
 * the diff, culprits, testrun and apply tests.
 *
 * With --mask it leaves out the wall-clock times: the independent check of
 * scripts/test-run.sh's own line-based mask (it parses the JSON, so it
 * does not depend on how the document is laid out).  Masked members (at
 * any depth): "timing" (the whole value), any name ending in "_ms", any
 * name beginning with "seconds" (seconds, seconds_baseline,
 * seconds_asyncify) and "wall_seconds".
 *
 *   jflat FILE            every leaf, in document order
 *   jflat --mask FILE     the leaves outside the masked members
 *   jflat --masked FILE   the paths of the masked members, one per line
 *
 * Paths: a.b[0].c; strings bare, numbers with %.17g (integers without a
 * fraction), true/false, null; empty arrays and objects as [] and {}.
 * Exit status: 0 done, 1 not JSON, 2 usage or I/O error. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mask, list_masked;

static int masked(const char *name)
{
    size_t n = strlen(name);
    return strcmp(name, "timing") == 0 || strcmp(name, "wall_seconds") == 0 ||
           strncmp(name, "seconds", 7) == 0 || (n > 3 && strcmp(name + n - 3, "_ms") == 0);
}

static void leaf(const char *path, const cJSON *j)
{
    if (list_masked)
        return;
    if (cJSON_IsString(j)) {
        printf("%s=%s\n", path, j->valuestring);
    } else if (cJSON_IsNumber(j)) {
        double v = j->valuedouble;
        if (v == floor(v) && fabs(v) < 1e15)
            printf("%s=%lld\n", path, (long long)v);
        else
            printf("%s=%.17g\n", path, v);
    } else if (cJSON_IsBool(j)) {
        printf("%s=%s\n", path, cJSON_IsTrue(j) ? "true" : "false");
    } else if (cJSON_IsArray(j)) {
        printf("%s=[]\n", path);
    } else if (cJSON_IsObject(j)) {
        printf("%s={}\n", path);
    } else {
        printf("%s=null\n", path);
    }
}

static void walk(const cJSON *j, char *path, size_t len, size_t cap)
{
    if ((!cJSON_IsObject(j) && !cJSON_IsArray(j)) || !j->child) {
        leaf(path, j);
        return;
    }
    int i = 0;
    for (const cJSON *c = j->child; c; c = c->next, i++) {
        int n = cJSON_IsArray(j) ? snprintf(path + len, cap - len, "[%d]", i)
                                 : snprintf(path + len, cap - len, "%s%s", len ? "." : "",
                                            c->string);
        if (n < 0 || (size_t)n >= cap - len) {
            fprintf(stderr, "jflat: path too long\n");
            exit(2);
        }
        if (mask && cJSON_IsObject(j) && masked(c->string)) {
            if (list_masked)
                printf("%s\n", path);
        } else {
            walk(c, path, len + (size_t)n, cap);
        }
        path[len] = 0;
    }
}

int main(int argc, char **argv)
{
    const char *file = argv[1];
    if (argc == 3 && strcmp(argv[1], "--mask") == 0) {
        mask = 1;
        file = argv[2];
    } else if (argc == 3 && strcmp(argv[1], "--masked") == 0) {
        mask = list_masked = 1;
        file = argv[2];
    } else if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: jflat [--mask | --masked] FILE.json\n");
        return 2;
    }
    FILE *fp = fopen(file, "rb");
    if (!fp) {
        fprintf(stderr, "jflat: %s: cannot open\n", file);
        return 2;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n, fp)) > 0;) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(fp);
    if (!buf) {
        fprintf(stderr, "jflat: out of memory\n");
        return 2;
    }
    cJSON *doc = cJSON_ParseWithLength(buf, n);
    free(buf);
    if (!doc) {
        fprintf(stderr, "jflat: %s: not JSON\n", file);
        return 1;
    }
    static char path[8192];
    walk(doc, path, 0, sizeof path);
    cJSON_Delete(doc);
    return 0;
}
