/*
 * libFuzzer target for core/jsonv: arbitrary bytes are parsed by jansson as
 * the API's body parser does (duplicate keys refused), then checked against a
 * small schema. When jsonv_check accepts, the object is re-checked here rule
 * by rule; any member it let through that breaks a rule aborts. A refusal
 * must name a rule with ERR_INVALID.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct jsonv_field fields[] = {
    {"username", JSONV_STRING, true, 16},        {"display_name", JSONV_STRING, false, 0},
    {"team_id", JSONV_INTEGER, false, 0},        {"disabled", JSONV_BOOLEAN, true, 0},
    {"team_ids", JSONV_INTEGER_ARRAY, false, 4},
};
enum { NFIELDS = sizeof fields / sizeof fields[0] };

static bool member_ok(const struct jsonv_field *f, const json_t *v)
{
    if (json_is_null(v))
        return !f->required;
    switch (f->type) {
    case JSONV_STRING:
        return json_is_string(v) && (!f->max_len || json_string_length(v) <= f->max_len);
    case JSONV_INTEGER:
        return json_is_integer(v);
    case JSONV_BOOLEAN:
        return json_is_boolean(v);
    case JSONV_INTEGER_ARRAY: {
        if (!json_is_array(v) || (f->max_len && json_array_size(v) > f->max_len))
            return false;
        for (size_t i = 0; i < json_array_size(v); i++)
            if (!json_is_integer(json_array_get(v, i)))
                return false;
        return true;
    }
    default:
        return false;
    }
}

/* The rules, stated independently of jsonv.c. */
static bool obeys_schema(const json_t *obj)
{
    if (!json_is_object(obj))
        return false;
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        const struct jsonv_field *f = NULL;
        for (size_t i = 0; i < NFIELDS; i++)
            if (strcmp(fields[i].name, key) == 0)
                f = &fields[i];
        if (!f || !member_ok(f, value))
            return false;
    }
    for (size_t i = 0; i < NFIELDS; i++) {
        const json_t *v = json_object_get(obj, fields[i].name);
        if (fields[i].required && (!v || json_is_null(v)))
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *body =
        json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
    if (!body)
        return 0;
    struct err e = ERR_INIT;
    bool ok = jsonv_check(body, fields, NFIELDS, &e);
    if (ok != obeys_schema(body))
        abort();
    if (ok) {
        if (e.code != ERR_NONE || !jsonv_string(body, "username"))
            abort();
    } else {
        if (e.code != ERR_INVALID || !e.message[0] || strlen(e.field) >= sizeof e.field)
            abort();
    }
    json_decref(body);
    return 0;
}
