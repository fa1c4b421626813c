/*
 * JSON to a struct workflow_def, checking each object as it is read: its keys
 * (unknown ones are refused, so a typo never silently does nothing), the types
 * and lengths of its values, ids, timescale text and events, field types, code
 * lists, person fields and roles. Checks that need every step at once are in
 * workflow_graph.c. Parsing carries on after a problem so that one run lists
 * them all.
 */
#include <string.h>

#include "core/calendar.h"
#include "domain/workflow_internal.h"

/* Long enough for a paragraph of help; short enough to keep a form readable. */
#define TITLE_MAX 200
#define TEXT_MAX 2000

struct key {
    const char *name;
    bool required;
};

/* A child pointer of parent: "/steps" + "3" -> "/steps/3", escaping as RFC 6901
 * asks so a key holding '/' or '~' still points at itself. */
static void at_key(struct buf *out, const char *parent, const char *key)
{
    buf_reset(out);
    buf_puts(out, parent);
    buf_putc(out, '/');
    for (const char *p = key; *p; p++) {
        if (*p == '~')
            buf_puts(out, "~0");
        else if (*p == '/')
            buf_puts(out, "~1");
        else
            buf_putc(out, *p);
    }
}

static void at_index(struct buf *out, const char *parent, size_t i)
{
    buf_reset(out);
    buf_printf(out, "%s/%zu", parent, i);
}

static void check_keys(struct workflow_loader *ld, json_t *obj, const char *at,
                       const struct key *keys, size_t n, const char *what)
{
    const char *k;
    json_t *v;
    struct buf child = BUF_INIT;
    json_object_foreach(obj, k, v)
    {
        size_t i = 0;
        while (i < n && strcmp(k, keys[i].name) != 0)
            i++;
        if (i < n)
            continue;
        struct buf expected = BUF_INIT;
        for (size_t j = 0; j < n; j++)
            buf_printf(&expected, "%s%s", j ? ", " : "", keys[j].name);
        at_key(&child, at, k);
        wl_problem(ld, child.data, "unknown key '%.40s' in %s (expected %s)", k, what,
                   expected.data);
        buf_release(&expected);
    }
    buf_release(&child);
    for (size_t i = 0; i < n; i++)
        if (keys[i].required && !json_object_get(obj, keys[i].name))
            wl_problem(ld, at, "%s has no '%s', which is required", what, keys[i].name);
}

/* A string member copied into the definition, or NULL if it is absent (check_keys
 * reported that if it mattered) or wrong (reported here). */
static const char *get_string(struct workflow_loader *ld, json_t *obj, const char *at,
                              const char *key, size_t max)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return NULL;
    struct buf child = BUF_INIT;
    at_key(&child, at, key);
    const char *out = NULL;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (!json_is_string(v)) {
        wl_problem(ld, child.data, "'%s' must be a string", key);
    } else if (n == 0) {
        wl_problem(ld, child.data, "'%s' must not be empty", key);
    } else if (n > max) {
        wl_problem(ld, child.data, "'%s' is longer than %zu characters", key, max);
    } else {
        bool control = false;
        for (size_t i = 0; i < n; i++)
            if (((unsigned char)s[i] < 0x20 && s[i] != '\n') || s[i] == 0x7F)
                control = true;
        if (control)
            wl_problem(ld, child.data, "'%s' contains a control character", key);
        else if (!(out = arena_strndup(&ld->d->arena, s, n)))
            wl_nomem(ld);
    }
    buf_release(&child);
    return out;
}

static const char *get_id(struct workflow_loader *ld, json_t *obj, const char *at, const char *key)
{
    const char *s = get_string(ld, obj, at, key, 200);
    if (s && !wl_valid_id(s)) {
        struct buf child = BUF_INIT;
        at_key(&child, at, key);
        wl_problem(ld, child.data,
                   "'%.60s' is not an id: use a-z, 0-9 and _, starting with a letter, at most "
                   "%d characters",
                   s, WORKFLOW_ID_MAX);
        buf_release(&child);
        return NULL;
    }
    return s;
}

static bool get_bool(struct workflow_loader *ld, json_t *obj, const char *at, const char *key,
                     bool dflt)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return dflt;
    if (json_is_boolean(v))
        return json_is_true(v);
    wl_problem(ld, wl_at(ld, "%s/%s", at, key), "'%s' must be true or false", key);
    return dflt;
}

/* An array member that must hold strings; NULL (reported) if it is not an array. */
static json_t *get_array(struct workflow_loader *ld, json_t *obj, const char *at, const char *key,
                         bool allow_empty)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return NULL;
    if (!json_is_array(v)) {
        wl_problem(ld, wl_at(ld, "%s/%s", at, key), "'%s' must be a list [...]", key);
        return NULL;
    }
    if (!allow_empty && json_array_size(v) == 0) {
        wl_problem(ld, wl_at(ld, "%s/%s", at, key), "'%s' must not be an empty list", key);
        return NULL;
    }
    return v;
}

static json_t *get_object(struct workflow_loader *ld, json_t *obj, const char *at, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (v && !json_is_object(v)) {
        wl_problem(ld, wl_at(ld, "%s/%s", at, key), "'%s' must be an object {...}", key);
        return NULL;
    }
    return v;
}

/* ---- settings and timescales ---------------------------------------------- */

static void parse_settings(struct workflow_loader *ld, json_t *settings)
{
    struct workflow_def *d = ld->d;
    size_t n = json_object_size(settings);
    if (n == 0)
        return;
    d->settings = arena_alloc(&d->arena, n * sizeof *d->settings);
    if (!d->settings) {
        wl_nomem(ld);
        return;
    }
    static const struct key keys[] = {{"default", true}, {"label", true}, {"basis", false}};
    struct buf at = BUF_INIT;
    const char *name;
    json_t *v;
    json_object_foreach(settings, name, v)
    {
        at_key(&at, "/settings", name);
        if (!wl_valid_id(name)) {
            wl_problem(ld, at.data, "setting '%.60s' is not an id: use a-z, 0-9 and _", name);
            continue;
        }
        if (!json_is_object(v)) {
            wl_problem(ld, at.data,
                       "setting '%s' must be an object {\"default\": ..., \"label\": ...}", name);
            continue;
        }
        check_keys(ld, v, at.data, keys, sizeof keys / sizeof keys[0], "a setting");
        struct workflow_setting *s = &d->settings[d->nsettings];
        s->name = arena_strdup(&d->arena, name);
        s->label = get_string(ld, v, at.data, "label", TITLE_MAX);
        s->basis = get_string(ld, v, at.data, "basis", TEXT_MAX);
        s->text = get_string(ld, v, at.data, "default", 100);
        if (!s->name) {
            wl_nomem(ld);
            break;
        }
        if (!s->text || !s->label)
            continue;
        struct err te = ERR_INIT;
        if (!calendar_parse_timescale(s->text, &s->value, &te)) {
            wl_problem(ld, wl_at(ld, "%s/default", at.data), "setting '%s': %s", name, te.message);
            continue;
        }
        d->nsettings++;
    }
    buf_release(&at);
}

static bool parse_anchor(const char *text, struct workflow_rule *r, struct arena *a)
{
    if (strcmp(text, "case.received") == 0) {
        r->from = WORKFLOW_FROM_CASE_RECEIVED;
        return true;
    }
    if (strcmp(text, "previous.completed") == 0) {
        r->from = WORKFLOW_FROM_PREVIOUS;
        return true;
    }
    const char *dot = strrchr(text, '.');
    if (!dot)
        return false;
    if (strcmp(dot, ".started") == 0)
        r->from = WORKFLOW_FROM_STARTED;
    else if (strcmp(dot, ".completed") == 0)
        r->from = WORKFLOW_FROM_COMPLETED;
    else
        return false;
    char *step = arena_strndup(a, text, (size_t)(dot - text));
    if (!step || !wl_valid_id(step))
        return false;
    r->from_step = step;
    return true;
}

/* "within" and "from" of a timescale object or of its "first" rule. */
static bool parse_rule(struct workflow_loader *ld, json_t *obj, const char *at,
                       struct workflow_rule *r, bool first)
{
    r->within_text = get_string(ld, obj, at, "within", 100);
    r->from_text = get_string(ld, obj, at, "from", 2 * WORKFLOW_ID_MAX);
    bool ok = r->within_text && r->from_text;
    if (r->within_text && r->within_text[0] == '$') {
        const char *name = r->within_text + 1;
        const struct workflow_setting *s = NULL;
        for (size_t i = 0; i < ld->d->nsettings && !s; i++)
            if (strcmp(ld->d->settings[i].name, name) == 0)
                s = &ld->d->settings[i];
        if (s) {
            r->setting = s->name;
            r->within = s->value;
            ld->setting_used[s - ld->d->settings] = 1;
        } else {
            wl_problem(ld, wl_at(ld, "%s/within", at),
                       "unknown setting '%.60s': declare it in the file's \"settings\" block",
                       r->within_text);
            ok = false;
        }
    } else if (r->within_text) {
        struct err te = ERR_INIT;
        if (!calendar_parse_timescale(r->within_text, &r->within, &te)) {
            wl_problem(ld, wl_at(ld, "%s/within", at), "%s", te.message);
            ok = false;
        }
    }
    if (r->from_text && !parse_anchor(r->from_text, r, &ld->d->arena)) {
        wl_problem(ld, wl_at(ld, "%s/from", at),
                   "unknown event '%.60s': write case.received, <step>.started, "
                   "<step>.completed or, for a recurring step, previous.completed",
                   r->from_text);
        ok = false;
    } else if (r->from_text && first && r->from == WORKFLOW_FROM_PREVIOUS) {
        wl_problem(ld, wl_at(ld, "%s/from", at),
                   "the first occurrence cannot count from previous.completed: there is none");
        ok = false;
    }
    return ok;
}

static void parse_timescale(struct workflow_loader *ld, json_t *obj, const char *at,
                            struct workflow_timescale *t)
{
    static const struct key keys[] = {
        {"within", true}, {"from", true}, {"first", false}, {"basis", false}};
    check_keys(ld, obj, at, keys, sizeof keys / sizeof keys[0], "a timescale");
    t->basis = get_string(ld, obj, at, "basis", TEXT_MAX);
    bool ok = parse_rule(ld, obj, at, &t->rule, false);
    json_t *first = get_object(ld, obj, at, "first");
    struct buf first_at = BUF_INIT;
    at_key(&first_at, at, "first");
    if (ok && t->rule.from == WORKFLOW_FROM_PREVIOUS) {
        t->recurring = true;
        if (!json_object_get(obj, "first")) {
            wl_problem(ld, at,
                       "a recurring timescale (from previous.completed) needs a \"first\" rule "
                       "for the first occurrence, e.g. {\"within\": \"3 months\", \"from\": "
                       "\"<step>.completed\"}");
            ok = false;
        } else if (first) {
            static const struct key first_keys[] = {{"within", true}, {"from", true}};
            check_keys(ld, first, first_at.data, first_keys, 2, "a first rule");
            ok = parse_rule(ld, first, first_at.data, &t->first, true) && ok;
        }
    } else if (json_object_get(obj, "first")) {
        wl_problem(ld, first_at.data,
                   "\"first\" is only for a recurring step (one whose \"from\" is "
                   "previous.completed)");
    }
    buf_release(&first_at);
    t->set = ok;
}

/* ---- forms ------------------------------------------------------------------ */

static const struct {
    const char *name;
    enum workflow_field_type type;
} field_types[] = {
    {"text", WORKFLOW_FIELD_TEXT},     {"textarea", WORKFLOW_FIELD_TEXTAREA},
    {"date", WORKFLOW_FIELD_DATE},     {"datetime", WORKFLOW_FIELD_DATETIME},
    {"code", WORKFLOW_FIELD_CODE},     {"codes", WORKFLOW_FIELD_CODES},
    {"yes_no", WORKFLOW_FIELD_YES_NO}, {"number", WORKFLOW_FIELD_NUMBER},
    {"person", WORKFLOW_FIELD_PERSON},
};

const char *workflow_field_type_name(enum workflow_field_type t)
{
    for (size_t i = 0; i < sizeof field_types / sizeof field_types[0]; i++)
        if (field_types[i].type == t)
            return field_types[i].name;
    return "?";
}

/* The person-record fields a form field may be pre-filled from, with the field
 * type (and code list) that can hold the value: a prefill into the wrong type
 * would show a code where a date belongs, or drop the value. */
static const struct {
    const char *name;
    enum workflow_field_type type;
    const char *list;
} person_fields[] = {
    {"person.forenames", WORKFLOW_FIELD_TEXT, NULL},
    {"person.surname", WORKFLOW_FIELD_TEXT, NULL},
    {"person.preferred_name", WORKFLOW_FIELD_TEXT, NULL},
    {"person.dob", WORKFLOW_FIELD_DATE, NULL},
    {"person.expected_dob", WORKFLOW_FIELD_DATE, NULL},
    {"person.dod", WORKFLOW_FIELD_DATE, NULL},
    {"person.nhs_number", WORKFLOW_FIELD_TEXT, NULL},
    {"person.upn", WORKFLOW_FIELD_TEXT, NULL},
    {"person.upn_unknown", WORKFLOW_FIELD_CODE, "upn_unknown"},
    {"person.sex", WORKFLOW_FIELD_CODE, "sex"},
    {"person.gender", WORKFLOW_FIELD_CODE, "gender"},
    {"person.ethnicity", WORKFLOW_FIELD_CODE, "ethnicity"},
    {"person.language", WORKFLOW_FIELD_CODE, "language"},
    {"person.religion", WORKFLOW_FIELD_CODE, "religion"},
    {"person.immigration_status", WORKFLOW_FIELD_CODE, "immigration_status"},
    {"person.disabilities", WORKFLOW_FIELD_CODES, "disability"},
    {"person.address", WORKFLOW_FIELD_TEXTAREA, NULL},
};

static bool text_like(enum workflow_field_type t)
{
    return t == WORKFLOW_FIELD_TEXT || t == WORKFLOW_FIELD_TEXTAREA;
}

static void check_prefill(struct workflow_loader *ld, const char *at, struct workflow_field *f)
{
    size_t n = sizeof person_fields / sizeof person_fields[0], i = 0;
    while (i < n && strcmp(person_fields[i].name, f->prefill) != 0)
        i++;
    if (i == n) {
        struct buf known = BUF_INIT;
        for (size_t j = 0; j < n; j++)
            buf_printf(&known, "%s%s", j ? ", " : "", person_fields[j].name + 7);
        wl_problem(ld, wl_at(ld, "%s/prefill", at),
                   "unknown person field '%.40s' (person. then one of: %s)", f->prefill,
                   known.data);
        buf_release(&known);
        return;
    }
    bool fits = person_fields[i].type == f->type ||
                (text_like(person_fields[i].type) && text_like(f->type));
    if (fits && person_fields[i].list)
        fits = f->list && strcmp(f->list, person_fields[i].list) == 0;
    if (!fits)
        wl_problem(ld, wl_at(ld, "%s/prefill", at),
                   "%s is a %s%s%s: field '%s' must have that type to be pre-filled from it",
                   f->prefill, workflow_field_type_name(person_fields[i].type),
                   person_fields[i].list ? " from list " : "",
                   person_fields[i].list ? person_fields[i].list : "", f->name ? f->name : "");
}

static void check_list(struct workflow_loader *ld, const char *pointer, const char *list)
{
    if (ld->codes && !codelist_get(ld->codes, list))
        wl_problem(ld, pointer, "unknown code list '%.60s' (no config/codes/%.60s.txt)", list,
                   list);
}

static const char **parse_ids(struct workflow_loader *ld, json_t *arr, const char *pointer,
                              const char *what, size_t *n_out)
{
    size_t n = json_array_size(arr);
    const char **ids = arena_alloc(&ld->d->arena, (n ? n : 1) * sizeof *ids);
    /* pointer may be wl_at's, which the next wl_at frees: a copy for the loop. */
    const char *at = arena_strdup(&ld->d->arena, pointer);
    if (!ids || !at) {
        wl_nomem(ld);
        return NULL;
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        if (!s || !wl_valid_id(s))
            wl_problem(ld, wl_at(ld, "%s/%zu", at, i), "'%.60s' is not %s",
                       s ? s : "(not a string)", what);
        else if (!(ids[i] = arena_strdup(&ld->d->arena, s)))
            wl_nomem(ld);
    }
    *n_out = n;
    return ids;
}

static void parse_field(struct workflow_loader *ld, json_t *obj, const char *at,
                        struct workflow_field *f)
{
    static const struct key keys[] = {
        {"name", true},          {"type", true},     {"label", true},
        {"help", false},         {"list", false},    {"mandatory", false},
        {"copy_forward", false}, {"prefill", false}, {"mandatory_for", false},
    };
    check_keys(ld, obj, at, keys, sizeof keys / sizeof keys[0], "a form field");
    f->name = get_id(ld, obj, at, "name");
    f->label = get_string(ld, obj, at, "label", TITLE_MAX);
    f->help = get_string(ld, obj, at, "help", TEXT_MAX);
    f->list = get_id(ld, obj, at, "list");
    f->mandatory = get_bool(ld, obj, at, "mandatory", false);
    json_t *mandatory_for = get_array(ld, obj, at, "mandatory_for", false);
    if (mandatory_for && f->mandatory)
        wl_problem(ld, wl_at(ld, "%s/mandatory_for", at),
                   "a field is either \"mandatory\" or \"mandatory_for\" some outcomes, not both");
    else if (mandatory_for)
        f->mandatory_for = parse_ids(ld, mandatory_for, wl_at(ld, "%s/mandatory_for", at),
                                     "an outcome id", &f->nmandatory_for);
    f->copy_forward = get_bool(ld, obj, at, "copy_forward", false);
    f->prefill = get_string(ld, obj, at, "prefill", 60);
    const char *type = get_string(ld, obj, at, "type", 20);
    if (!type)
        return;
    size_t n = sizeof field_types / sizeof field_types[0], i = 0;
    while (i < n && strcmp(field_types[i].name, type) != 0)
        i++;
    if (i == n) {
        wl_problem(ld, wl_at(ld, "%s/type", at),
                   "unknown field type '%.40s' (text, textarea, date, datetime, code, codes, "
                   "yes_no, number or person)",
                   type);
        return;
    }
    f->type = field_types[i].type;
    bool coded = f->type == WORKFLOW_FIELD_CODE || f->type == WORKFLOW_FIELD_CODES;
    if (coded && !json_object_get(obj, "list"))
        wl_problem(ld, at, "a %s field needs \"list\": the code list its answers come from", type);
    else if (!coded && json_object_get(obj, "list"))
        wl_problem(ld, wl_at(ld, "%s/list", at), "only code and codes fields have a \"list\"");
    else if (coded && f->list)
        check_list(ld, wl_at(ld, "%s/list", at), f->list);
    if (f->prefill)
        check_prefill(ld, at, f);
}

/* ---- steps ------------------------------------------------------------------- */

static void parse_outcome(struct workflow_loader *ld, json_t *obj, const char *at,
                          struct workflow_outcome *o)
{
    static const struct key keys[] = {
        {"id", true}, {"label", true}, {"next", false}, {"close", false}};
    check_keys(ld, obj, at, keys, sizeof keys / sizeof keys[0], "an outcome");
    o->id = get_id(ld, obj, at, "id");
    o->label = get_string(ld, obj, at, "label", TITLE_MAX);
    json_t *next = get_array(ld, obj, at, "next", true);
    if (next)
        o->next_ids = parse_ids(ld, next, wl_at(ld, "%s/next", at), "a step id", &o->nnext);
    json_t *close = json_object_get(obj, "close");
    if (close && json_is_object(close)) {
        struct buf close_at = BUF_INIT;
        at_key(&close_at, at, "close");
        static const struct key close_keys[] = {{"reasons", true}};
        check_keys(ld, close, close_at.data, close_keys, 1, "\"close\"");
        o->closes = true;
        o->close_reasons = get_id(ld, close, close_at.data, "reasons");
        if (o->close_reasons)
            check_list(ld, wl_at(ld, "%s/reasons", close_at.data), o->close_reasons);
        buf_release(&close_at);
    } else if (close && json_is_boolean(close)) {
        o->closes = json_is_true(close);
    } else if (close) {
        wl_problem(ld, wl_at(ld, "%s/close", at),
                   "\"close\" must be true or {\"reasons\": \"<code list>\"}");
    }
    if (o->closes && o->nnext > 0)
        wl_problem(ld, wl_at(ld, "%s/next", at),
                   "an outcome that closes the case cannot also start steps");
}

static void parse_who(struct workflow_loader *ld, json_t *who, const char *at,
                      struct workflow_step *s)
{
    static const struct key keys[] = {{"roles", true}, {"teams", false}};
    check_keys(ld, who, at, keys, 2, "\"who\"");
    json_t *roles = get_array(ld, who, at, "roles", false);
    size_t i;
    json_t *v;
    json_array_foreach(roles, i, v)
    {
        enum role r;
        const char *name = json_string_value(v);
        if (!name || !access_parse_role(name, &r))
            wl_problem(ld, wl_at(ld, "%s/roles/%zu", at, i),
                       "unknown role '%.40s' (administrator, manager, practitioner or auditor)",
                       name ? name : "(not a string)");
        else
            s->roles |= 1u << r;
    }
    json_t *teams = get_array(ld, who, at, "teams", true);
    size_t n = json_array_size(teams);
    const char **names = arena_alloc(&ld->d->arena, (n ? n : 1) * sizeof *names);
    if (!names) {
        wl_nomem(ld);
        return;
    }
    json_array_foreach(teams, i, v)
    {
        const char *name = json_string_value(v);
        if (!name || !*name || strlen(name) > 100)
            wl_problem(ld, wl_at(ld, "%s/teams/%zu", at, i),
                       "a team is a name of 1 to 100 characters");
        else if (!(names[i] = arena_strdup(&ld->d->arena, name))) {
            wl_nomem(ld);
            return;
        }
    }
    s->teams = names;
    s->nteams = n;
}

/* Report the second of two equal names in a list of n, at "<at>/<i>/<key>". */
static void check_unique(struct workflow_loader *ld, const char *at, const char *key,
                         const char *what, const char *const *names, size_t stride, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        const char *a = *(const char *const *)((const char *)names + i * stride);
        for (size_t j = 0; a && j < i; j++) {
            const char *b = *(const char *const *)((const char *)names + j * stride);
            if (b && strcmp(a, b) == 0) {
                wl_problem(ld, wl_at(ld, "%s/%zu/%s", at, i, key), "duplicate %s '%s'", what, a);
                break;
            }
        }
    }
}

/* Every outcome a field is mandatory for must be an outcome of its step. */
static void check_mandatory_for(struct workflow_loader *ld, const struct workflow_step *s,
                                const char *at)
{
    for (size_t i = 0; i < s->nfields; i++)
        for (size_t k = 0; k < s->fields[i].nmandatory_for; k++) {
            const char *id = s->fields[i].mandatory_for[k];
            if (id && !workflow_step_outcome(s, id))
                wl_problem(ld, wl_at(ld, "%s/form/%zu/mandatory_for/%zu", at, i, k),
                           "'%.60s' is not an outcome of step '%.60s'", id, s->id ? s->id : "?");
        }
}

static void parse_step(struct workflow_loader *ld, json_t *obj, const char *at,
                       struct workflow_step *s)
{
    static const struct key keys[] = {
        {"id", true},        {"title", true},         {"help", false}, {"who", true},
        {"authorise", true}, {"timescale", false},    {"form", false}, {"outcomes", true},
        {"weight", false},   {"outcome_list", false},
    };
    check_keys(ld, obj, at, keys, sizeof keys / sizeof keys[0], "a step");
    struct arena *a = &ld->d->arena;
    struct buf child = BUF_INIT;
    s->id = get_id(ld, obj, at, "id");
    s->title = get_string(ld, obj, at, "title", TITLE_MAX);
    s->help = get_string(ld, obj, at, "help", TEXT_MAX);
    s->outcome_list = get_id(ld, obj, at, "outcome_list");
    if (s->outcome_list)
        check_list(ld, wl_at(ld, "%s/outcome_list", at), s->outcome_list);
    json_t *authorise = json_object_get(obj, "authorise");
    if (authorise && !json_is_boolean(authorise))
        wl_problem(ld, wl_at(ld, "%s/authorise", at), "'authorise' must be true or false");
    s->authorise = json_is_true(authorise);
    s->weight = 1;
    json_t *weight = json_object_get(obj, "weight");
    if (weight && (!json_is_integer(weight) || json_integer_value(weight) < 0 ||
                   json_integer_value(weight) > 100))
        wl_problem(ld, wl_at(ld, "%s/weight", at), "'weight' must be a whole number 0 to 100");
    else if (weight)
        s->weight = (int)json_integer_value(weight);

    json_t *who = get_object(ld, obj, at, "who");
    if (who) {
        at_key(&child, at, "who");
        parse_who(ld, who, child.data, s);
    }
    json_t *timescale = get_object(ld, obj, at, "timescale");
    if (timescale) {
        at_key(&child, at, "timescale");
        parse_timescale(ld, timescale, child.data, &s->timescale);
    }

    json_t *form = get_array(ld, obj, at, "form", true);
    size_t n = json_array_size(form), i;
    struct workflow_field *fields = arena_alloc(a, (n ? n : 1) * sizeof *fields);
    if (!fields)
        goto nomem;
    json_t *v;
    struct buf item = BUF_INIT;
    at_key(&child, at, "form");
    json_array_foreach(form, i, v)
    {
        at_index(&item, child.data, i);
        if (!json_is_object(v))
            wl_problem(ld, item.data, "a form field must be an object {\"name\": ...}");
        else
            parse_field(ld, v, item.data, &fields[i]);
    }
    s->fields = fields;
    s->nfields = n;
    check_unique(ld, child.data, "name", "field name", &fields[0].name, sizeof *fields, n);

    json_t *outcomes = get_array(ld, obj, at, "outcomes", false);
    n = json_array_size(outcomes);
    struct workflow_outcome *out = arena_alloc(a, (n ? n : 1) * sizeof *out);
    if (!out) {
        buf_release(&item);
        goto nomem;
    }
    at_key(&child, at, "outcomes");
    json_array_foreach(outcomes, i, v)
    {
        at_index(&item, child.data, i);
        if (!json_is_object(v))
            wl_problem(ld, item.data, "an outcome must be an object {\"id\": ...}");
        else
            parse_outcome(ld, v, item.data, &out[i]);
        if (s->outcome_list && out[i].id && ld->codes &&
            !codelist_has(codelist_get(ld->codes, s->outcome_list), out[i].id))
            wl_problem(ld, wl_at(ld, "%s/id", item.data),
                       "outcome '%s' is not a code in %s, as \"outcome_list\" requires", out[i].id,
                       s->outcome_list);
    }
    s->outcomes = out;
    s->noutcomes = n;
    check_unique(ld, child.data, "id", "outcome id", &out[0].id, sizeof *out, n);
    check_mandatory_for(ld, s, at);
    buf_release(&item);
    buf_release(&child);
    return;
nomem:
    buf_release(&child);
    wl_nomem(ld);
}

/* ---- the file ------------------------------------------------------------------ */

static const char *const domain_names[] = {"children", "early_help", "adults"};

const char *workflow_domain_name(enum workflow_domain d)
{
    return (size_t)d < sizeof domain_names / sizeof domain_names[0] ? domain_names[d] : "?";
}

void workflow_parse_root(struct workflow_loader *ld, json_t *root)
{
    struct workflow_def *d = ld->d;
    if (!json_is_object(root)) {
        wl_problem(ld, "", "a workflow definition is one JSON object {...}");
        return;
    }
    static const struct key keys[] = {
        {"pathway", true}, {"version", true}, {"title", true},     {"domain", true},
        {"start", true},   {"steps", true},   {"settings", false}, {"description", false},
    };
    check_keys(ld, root, "", keys, sizeof keys / sizeof keys[0], "the definition");
    d->pathway = get_id(ld, root, "", "pathway");
    d->title = get_string(ld, root, "", "title", TITLE_MAX);
    (void)get_string(ld, root, "", "description", TEXT_MAX);
    json_t *version = json_object_get(root, "version");
    if (version && (!json_is_integer(version) || json_integer_value(version) < 1 ||
                    json_integer_value(version) > 1000000))
        wl_problem(ld, "/version", "'version' must be a whole number from 1 to 1000000");
    else if (version)
        d->version = (int)json_integer_value(version);
    const char *domain = get_string(ld, root, "", "domain", 20);
    if (domain) {
        size_t i = 0, n = sizeof domain_names / sizeof domain_names[0];
        while (i < n && strcmp(domain, domain_names[i]) != 0)
            i++;
        if (i == n)
            wl_problem(ld, "/domain", "unknown domain '%.40s' (children, early_help or adults)",
                       domain);
        else
            d->domain = (enum workflow_domain)i;
    }

    json_t *settings = get_object(ld, root, "", "settings");
    if (settings)
        parse_settings(ld, settings);
    ld->setting_used = arena_alloc(&d->arena, d->nsettings + 1);
    if (!ld->setting_used) {
        wl_nomem(ld);
        return;
    }

    json_t *start = json_object_get(root, "start");
    if (json_is_string(start)) {
        ld->start_is_array = false;
        json_t *one = json_pack("[O]", start);
        if (!one) {
            wl_nomem(ld);
            return;
        }
        d->start_ids = parse_ids(ld, one, "/start", "a step id", &d->nstarts);
        json_decref(one);
    } else if (start && (!json_is_array(start) || json_array_size(start) == 0)) {
        wl_problem(ld, "/start", "'start' must be a step id or a list of step ids");
    } else if (start) {
        ld->start_is_array = true;
        d->start_ids = parse_ids(ld, start, "/start", "a step id", &d->nstarts);
    }

    json_t *steps = get_array(ld, root, "", "steps", false);
    size_t n = json_array_size(steps), i;
    if (n > WORKFLOW_MAX_STEPS) {
        wl_problem(ld, "/steps", "more than %d steps: split the pathway", WORKFLOW_MAX_STEPS);
        return;
    }
    d->steps = arena_alloc(&d->arena, (n ? n : 1) * sizeof *d->steps);
    if (!d->steps) {
        wl_nomem(ld);
        return;
    }
    d->nsteps = n;
    struct buf at = BUF_INIT;
    json_t *v;
    json_array_foreach(steps, i, v)
    {
        at_index(&at, "/steps", i);
        if (!json_is_object(v))
            wl_problem(ld, at.data, "a step must be an object {\"id\": ...}");
        else
            parse_step(ld, v, at.data, &d->steps[i]);
    }
    buf_release(&at);
    for (i = 0; i < d->nsettings; i++)
        if (!ld->setting_used[i])
            wl_problem(ld, wl_at(ld, "/settings/%s", d->settings[i].name),
                       "setting '%s' is not used by any step: remove it or use it",
                       d->settings[i].name);
}
