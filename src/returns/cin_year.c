/*
 * A collection year's settings and code lists: config/returns/cin-YEAR.json.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "returns/cin.h"

bool cin_codes_has(const struct cin_codes *c, const char *code)
{
    if (!code)
        return false;
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->codes[i], code) == 0)
            return true;
    return false;
}

void cin_format_date(int64_t day, char out[11])
{
    if (day == CIN_NO_DATE) {
        out[0] = '\0';
        return;
    }
    int y, m, d;
    clock_civil_from_days(day, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static bool read_codes(json_t *codes, const char *item, struct cin_codes *out, struct arena *arena,
                       const char *file, struct err *e)
{
    json_t *list = json_object_get(codes, item);
    if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 200)
        return err_set(e, ERR_INVALID, "year", "%s: codes.%s must be a list of 1 to 200 codes",
                       file, item);
    out->n = (int)json_array_size(list);
    out->codes = arena_alloc(arena, sizeof *out->codes * (size_t)out->n);
    if (!out->codes)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    for (int i = 0; i < out->n; i++) {
        const char *c = json_string_value(json_array_get(list, (size_t)i));
        if (!c || !*c || strlen(c) > 8)
            return err_set(e, ERR_INVALID, "year",
                           "%s: codes.%s[%d] must be a code of 1 to 8 "
                           "characters",
                           file, item, i);
        if (!(out->codes[i] = arena_strdup(arena, c)))
            return err_set(e, ERR_NOMEM, "", "out of memory");
    }
    return true;
}

static bool read_date(json_t *root, const char *key, int64_t *day, const char *file, struct err *e)
{
    const char *s = json_string_value(json_object_get(root, key));
    struct err ignored = ERR_INIT;
    if (!s || !clock_parse_date(s, day, &ignored))
        return err_set(e, ERR_INVALID, "year", "%s: %s must be a date YYYY-MM-DD", file, key);
    return true;
}

bool cin_year_load(const char *config_dir, const char *name, struct cin_year *out,
                   struct arena *arena, struct err *e)
{
    memset(out, 0, sizeof *out);
    /* "2025-26": the only form a year takes, so a name can never reach outside
     * config/returns. */
    if (!name || strlen(name) != 7 || name[4] != '-' || strspn(name, "0123456789") != 4 ||
        strspn(name + 5, "0123456789") != 2)
        return err_set(e, ERR_INVALID, "year", "give the collection year as YYYY-YY, e.g. 2025-26");
    char file[4096];
    if (snprintf(file, sizeof file, "%s/returns/cin-%s.json", config_dir, name) >= (int)sizeof file)
        return err_set(e, ERR_INVALID, "year", "the configuration directory's path is too long");
    json_error_t je;
    json_t *root = json_load_file(file, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        FILE *f = fopen(file, "r");
        if (!f)
            return err_set(e, ERR_NOT_FOUND, "year",
                           "no children in need census settings for %s (%s)", name, file);
        fclose(f);
        return err_set(e, ERR_INVALID, "year", "%s line %d: %s", file, je.line, je.text);
    }
    bool ok = false;
    const char *year = json_string_value(json_object_get(root, "year"));
    const char *lea = json_string_value(json_object_get(root, "lea"));
    json_t *codes = json_object_get(root, "codes");
    json_int_t ref_year = json_integer_value(json_object_get(root, "reference_year"));
    if (!year || strcmp(year, name) != 0) {
        err_set(e, ERR_INVALID, "year", "%s: \"year\" must be \"%s\"", file, name);
        goto done;
    }
    if (!lea || strlen(lea) != 3 || strspn(lea, "0123456789") != 3) {
        err_set(e, ERR_INVALID, "year", "%s: \"lea\" must be the council's 3-digit code", file);
        goto done;
    }
    if (!json_is_object(codes) || ref_year < 2000 || ref_year > 2200) {
        err_set(e, ERR_INVALID, "year", "%s: needs \"codes\" and a \"reference_year\"", file);
        goto done;
    }
    memcpy(out->name, name, 8);
    memcpy(out->lea, lea, 4);
    out->reference_year = (int)ref_year;
    ok = read_date(root, "start", &out->start, file, e) &&
         read_date(root, "reference_date", &out->end, file, e);
    if (ok && out->end <= out->start) {
        ok =
            err_set(e, ERR_INVALID, "year", "%s: the reference date must be after the start", file);
    }
    ok = ok && read_codes(codes, "ReferralSource", &out->referral_source, arena, file, e) &&
         read_codes(codes, "PrimaryNeedCode", &out->primary_need, arena, file, e) &&
         read_codes(codes, "ReasonForClosure", &out->closure_reason, arena, file, e) &&
         read_codes(codes, "AssessmentFactors", &out->assessment_factors, arena, file, e) &&
         read_codes(codes, "CategoryOfAbuse", &out->category_of_abuse, arena, file, e) &&
         read_codes(codes, "Ethnicity", &out->ethnicity, arena, file, e) &&
         read_codes(codes, "Disability", &out->disability, arena, file, e) &&
         read_codes(codes, "UPNunknown", &out->upn_unknown, arena, file, e) &&
         read_codes(codes, "Sex", &out->sex, arena, file, e);
done:
    json_decref(root);
    return ok;
}

static int newest_first(const void *a, const void *b)
{
    return -strcmp(a, b);
}

int cin_years(const char *config_dir, char names[][8], int max)
{
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s/returns", config_dir) >= (int)sizeof dir)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *ent;
    while (n < max && (ent = readdir(d)) != NULL) {
        /* cin-YYYY-YY.json */
        const char *s = ent->d_name;
        if (strlen(s) == 16 && strncmp(s, "cin-", 4) == 0 && strcmp(s + 11, ".json") == 0 &&
            strspn(s + 4, "0123456789") == 4 && s[8] == '-' && strspn(s + 9, "0123456789") == 2) {
            memcpy(names[n], s + 4, 7);
            names[n++][7] = '\0';
        }
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], newest_first);
    return n;
}
