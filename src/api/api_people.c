/*
 * /api/v1/people: search, likely matches, create (with duplicate control),
 * read, change, and the record's addresses, names and contact details.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/jsonv.h"
#include "domain/people.h"

static const struct jsonv_field person_fields[] = {
    {"forenames", JSONV_STRING, false, 100},
    {"surname", JSONV_STRING, false, 100},
    {"preferred_name", JSONV_STRING, false, 100},
    {"dob", JSONV_STRING, false, 10},
    {"dob_estimated", JSONV_BOOLEAN, false, 0},
    {"expected_dob", JSONV_STRING, false, 10},
    {"dod", JSONV_STRING, false, 10},
    {"nhs_number", JSONV_STRING, false, 20},
    {"upn", JSONV_STRING, false, 20},
    {"upn_unknown", JSONV_STRING, false, 10},
    {"legacy_id", JSONV_STRING, false, 40},
    {"sex", JSONV_STRING, false, 10},
    {"gender", JSONV_STRING, false, 10},
    {"ethnicity", JSONV_STRING, false, 10},
    {"language", JSONV_STRING, false, 10},
    {"religion", JSONV_STRING, false, 20},
    {"immigration_status", JSONV_STRING, false, 20},
    {"restricted", JSONV_BOOLEAN, false, 0},
    {"disabilities", JSONV_STRING_ARRAY, false, PEOPLE_MAX_DISABILITIES},
    {"address", JSONV_OBJECT, false, 0},
    {"confirm_new", JSONV_BOOLEAN, false, 0},
};
static const struct jsonv_field address_fields[] = {
    {"line1", JSONV_STRING, true, 200}, {"line2", JSONV_STRING, false, 200},
    {"town", JSONV_STRING, false, 100}, {"postcode", JSONV_STRING, false, 10},
    {"uprn", JSONV_STRING, false, 12},  {"from_date", JSONV_STRING, false, 10},
};

static const char *flag(const json_t *obj, const char *name)
{
    json_t *v = json_object_get(obj, name);
    return json_is_boolean(v) ? (json_is_true(v) ? "1" : "0") : NULL;
}

/* Body → person_input; false with a reply sent on a schema error. */
static bool read_person(struct request *r, struct person_input *in)
{
    struct err e = ERR_INIT;
    json_t *b = http_json(r);
    json_t *addr = b ? json_object_get(b, "address") : NULL;
    if (!api_body_ok(r, person_fields, sizeof person_fields / sizeof person_fields[0]))
        return false;
    if ((json_is_object(addr) &&
         !jsonv_check(addr, address_fields, sizeof address_fields / sizeof address_fields[0],
                      &e))) {
        http_reply_err(r, &e);
        return false;
    }
    memset(in, 0, sizeof *in);
    const char **text[] = {&in->forenames,
                           &in->surname,
                           &in->preferred_name,
                           &in->dob,
                           &in->expected_dob,
                           &in->dod,
                           &in->nhs_number,
                           &in->upn,
                           &in->upn_unknown,
                           &in->legacy_id,
                           &in->sex,
                           &in->gender,
                           &in->ethnicity,
                           &in->language,
                           &in->religion,
                           &in->immigration_status};
    const char *names[] = {"forenames",
                           "surname",
                           "preferred_name",
                           "dob",
                           "expected_dob",
                           "dod",
                           "nhs_number",
                           "upn",
                           "upn_unknown",
                           "legacy_id",
                           "sex",
                           "gender",
                           "ethnicity",
                           "language",
                           "religion",
                           "immigration_status"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        json_t *v = json_object_get(b, names[i]);
        *text[i] = json_is_null(v) ? "" : json_string_value(v);
    }
    in->dob_estimated = flag(b, "dob_estimated");
    in->restricted = flag(b, "restricted");
    json_t *dis = json_object_get(b, "disabilities");
    if (json_is_array(dis)) {
        in->set_disabilities = true;
        size_t i;
        json_t *v;
        json_array_foreach(dis, i, v) in->disabilities[in->ndisabilities++] = json_string_value(v);
    }
    if (json_is_object(addr)) {
        in->address_line1 = jsonv_string(addr, "line1");
        in->address_line2 = jsonv_string(addr, "line2");
        in->address_town = jsonv_string(addr, "town");
        in->address_postcode = jsonv_string(addr, "postcode");
        in->address_uprn = jsonv_string(addr, "uprn");
    }
    return true;
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *candidates_json(const struct person_candidate *c, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *j = json_pack("{s:I, s:i, s:s, s:s, s:s}", "id", (json_int_t)c[i].id, "score",
                              c[i].score, "reasons", c[i].reasons ? c[i].reasons : "", "forenames",
                              c[i].forenames, "surname", c[i].surname);
        json_object_set_new(j, "dob", str_or_null(c[i].dob));
        json_object_set_new(j, "nhs_number", str_or_null(c[i].nhs_number));
        json_object_set_new(j, "postcode", str_or_null(c[i].postcode));
        json_object_set_new(j, "sex", str_or_null(c[i].sex));
        json_array_append_new(list, j);
    }
    return list;
}

static json_t *person_json(const struct person *p)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:b, s:b}", "id", (json_int_t)p->id, "forenames",
                          p->forenames, "surname", p->surname, "dob_estimated", p->dob_estimated,
                          "restricted", p->restricted);
    const char *keys[] = {"preferred_name",
                          "dob",
                          "expected_dob",
                          "dod",
                          "nhs_number",
                          "upn",
                          "upn_unknown",
                          "legacy_id",
                          "sex",
                          "gender",
                          "ethnicity",
                          "language",
                          "religion",
                          "immigration_status"};
    const char *vals[] = {p->preferred_name,
                          p->dob,
                          p->expected_dob,
                          p->dod,
                          p->nhs_number,
                          p->upn,
                          p->upn_unknown,
                          p->legacy_id,
                          p->sex,
                          p->gender,
                          p->ethnicity,
                          p->language,
                          p->religion,
                          p->immigration_status};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        json_object_set_new(j, keys[i], str_or_null(vals[i]));
    json_t *dis = json_array();
    for (size_t i = 0; i < p->ndisabilities; i++)
        json_array_append_new(dis, json_string(p->disabilities[i]));
    json_object_set_new(j, "disabilities", dis);
    json_t *names = json_array();
    for (size_t i = 0; i < p->nnames; i++)
        json_array_append_new(names, json_pack("{s:s, s:s, s:s, s:o, s:o}", "kind",
                                               p->names[i].kind, "forenames", p->names[i].forenames,
                                               "surname", p->names[i].surname, "from_date",
                                               str_or_null(p->names[i].from_date), "to_date",
                                               str_or_null(p->names[i].to_date)));
    json_object_set_new(j, "other_names", names);
    json_t *addrs = json_array();
    for (size_t i = 0; i < p->naddresses; i++) {
        const struct address *a = &p->addresses[i];
        json_t *aj = json_pack("{s:I, s:s}", "id", (json_int_t)a->id, "line1", a->line1);
        json_object_set_new(aj, "line2", str_or_null(a->line2));
        json_object_set_new(aj, "town", str_or_null(a->town));
        json_object_set_new(aj, "postcode", str_or_null(a->postcode));
        json_object_set_new(aj, "uprn", str_or_null(a->uprn));
        json_object_set_new(aj, "from_date", str_or_null(a->from_date));
        json_object_set_new(aj, "to_date", str_or_null(a->to_date));
        json_array_append_new(addrs, aj);
    }
    json_object_set_new(j, "addresses", addrs);
    json_t *contacts = json_array();
    for (size_t i = 0; i < p->ncontacts; i++)
        json_array_append_new(
            contacts, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)p->contacts[i].id,
                                "kind", p->contacts[i].kind, "label", p->contacts[i].label, "value",
                                p->contacts[i].value, "preferred", p->contacts[i].preferred));
    json_object_set_new(j, "contacts", contacts);
    if (p->merged_into)
        json_object_set_new(j, "resolved_from_merged_id", json_true());
    return j;
}

static void reply_person(struct request *r, int status, int64_t id)
{
    struct person p;
    struct err e = ERR_INIT;
    if (!people_get(http_ctx(r), id, &p, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, status, person_json(&p));
}

void api_people_search(struct request *r)
{
    struct person_candidate c[50];
    size_t n = 0;
    struct err e = ERR_INIT;
    if (!people_search(http_ctx(r), http_query(r, "q"), c, 50, &n, &e)) {
        http_reply_err(r, &e);
        return;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "results", candidates_json(c, n)));
}

void api_people_matches(struct request *r)
{
    struct person_input in;
    if (!read_person(r, &in))
        return;
    struct person_candidate c[PEOPLE_MAX_CANDIDATES];
    size_t n = 0;
    struct err e = ERR_INIT;
    if (!people_find_matches(http_ctx(r), &in, c, &n, &e))
        http_reply_err(r, &e);
    else
        http_reply_json(r, 200, json_pack("{s:o}", "candidates", candidates_json(c, n)));
}

void api_people_create(struct request *r)
{
    struct person_input in;
    if (!read_person(r, &in))
        return;
    bool confirm = json_is_true(json_object_get(http_json(r), "confirm_new"));
    struct err e = ERR_INIT;
    int64_t id;
    if (people_create(http_ctx(r), &in, confirm, &id, &e)) {
        api_location(r, "/api/v1/people", id);
        reply_person(r, 201, id);
        return;
    }
    if (e.code != ERR_CONFLICT) {
        http_reply_err(r, &e);
        return;
    }
    /* Possible duplicates: say so with the candidates, as a problem. */
    struct person_candidate c[PEOPLE_MAX_CANDIDATES];
    size_t n = 0;
    struct err e2 = ERR_INIT;
    json_t *p = json_pack("{s:s, s:s, s:s}", "type", "/problems/possible-duplicate", "title",
                          "Possible duplicate", "detail", e.message);
    if (people_find_matches(http_ctx(r), &in, c, &n, &e2))
        json_object_set_new(p, "candidates", candidates_json(c, n));
    http_reply_problem_json(r, 409, p);
}

void api_person_get(struct request *r)
{
    int64_t id;
    if (http_param_id(r, "id", &id))
        reply_person(r, 200, id);
}

void api_person_update(struct request *r)
{
    int64_t id;
    struct person_input in;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id) || !read_person(r, &in))
        return;
    if (in.address_line1) {
        http_reply_problem(r, 422, "Invalid input",
                           "Add addresses with POST /api/v1/people/{id}/addresses", "address");
        return;
    }
    if (!people_update(http_ctx(r), id, &in, &e))
        http_reply_err(r, &e);
    else
        reply_person(r, 200, id);
}

void api_person_add_address(struct request *r)
{
    int64_t id;
    struct err e = ERR_INIT;
    if (!http_param_id(r, "id", &id))
        return;
    if (!api_body_ok(r, address_fields, sizeof address_fields / sizeof address_fields[0]))
        return;
    json_t *b = http_json(r);
    struct address_input in = {jsonv_string(b, "line1"), jsonv_string(b, "line2"),
                               jsonv_string(b, "town"),  jsonv_string(b, "postcode"),
                               jsonv_string(b, "uprn"),  jsonv_string(b, "from_date")};
    if (!people_add_address(http_ctx(r), id, &in, &e))
        http_reply_err(r, &e);
    else
        reply_person(r, 201, id);
}

void api_person_add_name(struct request *r)
{
    static const struct jsonv_field fields[] = {{"forenames", JSONV_STRING, true, 100},
                                                {"surname", JSONV_STRING, true, 100},
                                                {"from_date", JSONV_STRING, false, 10}};
    int64_t id;
    struct err e = ERR_INIT;
    json_t *b = http_json(r);
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 3))
        return;
    if (!people_add_name(http_ctx(r), id, jsonv_string(b, "forenames"), jsonv_string(b, "surname"),
                         jsonv_string(b, "from_date"), &e))
        http_reply_err(r, &e);
    else
        reply_person(r, 201, id);
}

void api_person_add_contact(struct request *r)
{
    static const struct jsonv_field fields[] = {{"kind", JSONV_STRING, true, 10},
                                                {"label", JSONV_STRING, true, 10},
                                                {"value", JSONV_STRING, true, 254},
                                                {"preferred", JSONV_BOOLEAN, false, 0}};
    int64_t id;
    struct err e = ERR_INIT;
    json_t *b = http_json(r);
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 4))
        return;
    if (!people_add_contact(http_ctx(r), id, jsonv_string(b, "kind"), jsonv_string(b, "label"),
                            jsonv_string(b, "value"), json_is_true(json_object_get(b, "preferred")),
                            &e))
        http_reply_err(r, &e);
    else
        reply_person(r, 201, id);
}

void api_person_grant(struct request *r)
{
    static const struct jsonv_field fields[] = {{"user_id", JSONV_INTEGER, true, 0},
                                                {"reason", JSONV_STRING, true, 500}};
    int64_t id;
    struct err e = ERR_INIT;
    json_t *b = http_json(r);
    if (!http_param_id(r, "id", &id) || !api_body_ok(r, fields, 2))
        return;
    if (!people_grant(http_ctx(r), id, json_integer_value(json_object_get(b, "user_id")),
                      jsonv_string(b, "reason"), &e))
        http_reply_err(r, &e);
    else
        http_reply_empty(r, 204);
}
