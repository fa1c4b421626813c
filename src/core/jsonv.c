#include "core/jsonv.h"

#include <string.h>

static const char *type_name(enum jsonv_type t)
{
    switch (t) {
    case JSONV_STRING:
        return "a string";
    case JSONV_INTEGER:
        return "a whole number";
    case JSONV_BOOLEAN:
        return "true or false";
    case JSONV_INTEGER_ARRAY:
        return "an array of whole numbers";
    case JSONV_STRING_ARRAY:
        return "an array of strings";
    case JSONV_OBJECT:
        return "an object";
    case JSONV_OBJECT_ARRAY:
        return "an array of objects";
    }
    return "?";
}

static bool type_ok(const json_t *v, enum jsonv_type t)
{
    switch (t) {
    case JSONV_STRING:
        return json_is_string(v);
    case JSONV_INTEGER:
        return json_is_integer(v);
    case JSONV_BOOLEAN:
        return json_is_boolean(v);
    case JSONV_INTEGER_ARRAY: {
        if (!json_is_array(v))
            return false;
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) if (!json_is_integer(item)) return false;
        return true;
    }
    case JSONV_STRING_ARRAY: {
        if (!json_is_array(v))
            return false;
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) if (!json_is_string(item) ||
                                           json_string_length(item) > 200) return false;
        return true;
    }
    case JSONV_OBJECT:
        return json_is_object(v);
    case JSONV_OBJECT_ARRAY: {
        if (!json_is_array(v))
            return false;
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) if (!json_is_object(item)) return false;
        return true;
    }
    }
    return false;
}

bool jsonv_check(const json_t *obj, const struct jsonv_field *fields, size_t n, struct err *e)
{
    if (!json_is_object(obj))
        return err_set(e, ERR_INVALID, "", "The request body must be a JSON object");
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        const struct jsonv_field *f = NULL;
        for (size_t i = 0; i < n; i++)
            if (strcmp(fields[i].name, key) == 0)
                f = &fields[i];
        if (!f)
            return err_set(e, ERR_INVALID, key, "Unknown field '%.60s'", key);
        if (json_is_null(value) && !f->required)
            continue;
        if (!type_ok(value, f->type))
            return err_set(e, ERR_INVALID, f->name, "Field '%s' must be %s", f->name,
                           type_name(f->type));
        if (f->max_len && f->type == JSONV_STRING && json_string_length(value) > f->max_len)
            return err_set(e, ERR_INVALID, f->name, "Field '%s' must be %zu bytes or fewer",
                           f->name, f->max_len);
        if (f->max_len &&
            (f->type == JSONV_INTEGER_ARRAY || f->type == JSONV_STRING_ARRAY ||
             f->type == JSONV_OBJECT_ARRAY) &&
            json_array_size(value) > f->max_len)
            return err_set(e, ERR_INVALID, f->name, "Field '%s' can have at most %zu items",
                           f->name, f->max_len);
    }
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(obj, fields[i].name);
        if (fields[i].required && (!v || json_is_null(v)))
            return err_set(e, ERR_INVALID, fields[i].name, "Field '%s' is required",
                           fields[i].name);
    }
    return true;
}

const char *jsonv_string(const json_t *obj, const char *name)
{
    return json_string_value(json_object_get(obj, name));
}
