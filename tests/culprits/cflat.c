/* cflat.c - a JSON document as one "path=value" line per leaf, so the
 * culprits tests can read fields with grep and awk (no jq on a fresh
 * machine).  Paths: a.b[0].c; strings bare, integers without a fraction,
 * true/false, null; empty arrays and objects as [] and {}. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void leaf(const char *path, const cJSON *j)
{
    if (cJSON_IsString(j))
        printf("%s=%s\n", path, j->valuestring);
    else if (cJSON_IsNumber(j) && j->valuedouble == (double)(long long)j->valuedouble)
        printf("%s=%lld\n", path, (long long)j->valuedouble);
    else if (cJSON_IsNumber(j))
        printf("%s=%g\n", path, j->valuedouble);
    else if (cJSON_IsBool(j))
        printf("%s=%s\n", path, cJSON_IsTrue(j) ? "true" : "false");
    else
        printf("%s=null\n", path);
}

static void walk(const cJSON *j, char *path, size_t len, size_t cap)
{
    if (!cJSON_IsObject(j) && !cJSON_IsArray(j)) {
        leaf(path, j);
        return;
    }
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
}

int main(int argc, char **argv)
{
    FILE *fp = argc == 2 ? fopen(argv[1], "rb") : NULL;
    if (!fp) {
        fprintf(stderr, "usage: cflat FILE.json\n");
        return 2;
    }
    size_t cap = 1 << 16, len = 0, n;
    char *buf = malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
        len += n;
        if (len + 1 == cap && !(buf = realloc(buf, cap *= 2)))
            break;
    }
    fclose(fp);
    if (!buf)
        return 2;
    buf[len] = 0;
    cJSON *doc = cJSON_Parse(buf);
    free(buf);
    if (!doc) {
        fprintf(stderr, "cflat: %s: not JSON\n", argv[1]);
        return 1;
    }
    char path[4096] = "";
    walk(doc, path, 0, sizeof path);
    cJSON_Delete(doc);
    return 0;
}
