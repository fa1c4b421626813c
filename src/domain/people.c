#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/codelist.h"
#include "core/utf8.h"
#include "domain/identifiers.h"
#include "domain/people_internal.h"
#include "domain/need_to_know.h"

static const char SQL_INSERT[] =
    "INSERT INTO people (legacy_id, forenames, surname, preferred_name, dob, dob_estimated,"
    " expected_dob, dod, nhs_number, upn, upn_unknown, sex, gender, ethnicity, language,"
    " religion, immigration_status, restricted, created_at, updated_at, created_by)"
    " VALUES (:legacy_id, :forenames, :surname, :preferred_name, :dob, :dob_estimated,"
    " :expected_dob, :dod, :nhs_number, :upn, :upn_unknown, :sex, :gender, :ethnicity,"
    " :language, :religion, :immigration_status, :restricted, :now, :now, :by) RETURNING id";
static const char SQL_UPDATE[] =
    "UPDATE people SET"
    " forenames = COALESCE(:forenames, forenames), surname = COALESCE(:surname, surname),"
    " preferred_name = CASE WHEN :preferred_name_set = 1 THEN :preferred_name"
    "   ELSE preferred_name END,"
    " dob = CASE WHEN :dob_set = 1 THEN :dob ELSE dob END,"
    " dob_estimated = COALESCE(:dob_estimated, dob_estimated),"
    " expected_dob = CASE WHEN :expected_dob_set = 1 THEN :expected_dob ELSE expected_dob END,"
    " dod = CASE WHEN :dod_set = 1 THEN :dod ELSE dod END,"
    " nhs_number = CASE WHEN :nhs_number_set = 1 THEN :nhs_number ELSE nhs_number END,"
    " upn = CASE WHEN :upn_set = 1 THEN :upn ELSE upn END,"
    " upn_unknown = CASE WHEN :upn_unknown_set = 1 THEN :upn_unknown ELSE upn_unknown END,"
    " legacy_id = CASE WHEN :legacy_id_set = 1 THEN :legacy_id ELSE legacy_id END,"
    " sex = CASE WHEN :sex_set = 1 THEN :sex ELSE sex END,"
    " gender = CASE WHEN :gender_set = 1 THEN :gender ELSE gender END,"
    " ethnicity = CASE WHEN :ethnicity_set = 1 THEN :ethnicity ELSE ethnicity END,"
    " language = CASE WHEN :language_set = 1 THEN :language ELSE language END,"
    " religion = CASE WHEN :religion_set = 1 THEN :religion ELSE religion END,"
    " immigration_status = CASE WHEN :immigration_status_set = 1 THEN :immigration_status"
    "   ELSE immigration_status END,"
    " restricted = COALESCE(:restricted, restricted), updated_at = :now"
    " WHERE id = :id AND merged_into IS NULL";
static const char SQL_OLD_NAME[] =
    "INSERT INTO person_names (person_id, kind, forenames, surname, to_date, created_at,"
    " created_by) SELECT id, 'previous', forenames, surname, :today, :now, :by FROM people"
    " WHERE id = :id AND (forenames <> COALESCE(:forenames, forenames)"
    " OR surname <> COALESCE(:surname, surname))";
static const char SQL_ADD_NAME[] =
    "INSERT INTO person_names (person_id, kind, forenames, surname, from_date, created_at,"
    " created_by) VALUES (:id, 'alternative', :forenames, :surname, :from_date, :now, :by)";
static const char SQL_CLEAR_DISABILITIES[] =
    "DELETE FROM person_disabilities WHERE person_id = :id";
static const char SQL_ADD_DISABILITY[] =
    "INSERT INTO person_disabilities (person_id, code) VALUES (:id, :code)"
    " ON CONFLICT DO NOTHING";
static const char SQL_END_ADDRESS[] =
    "UPDATE addresses SET to_date = :to_date WHERE person_id = :id AND to_date IS NULL";
static const char SQL_ADD_ADDRESS[] =
    "INSERT INTO addresses (person_id, line1, line2, town, postcode, uprn, from_date, to_date,"
    " created_at, created_by) VALUES (:id, :line1, :line2, :town, :postcode, :uprn,"
    " :from_date, :to_date, :now, :by)";
static const char SQL_CURRENT_ADDRESS_FROM[] =
    "SELECT COALESCE(from_date, '') FROM addresses WHERE person_id = :id AND to_date IS NULL"
    " ORDER BY id DESC LIMIT 1";
static const char SQL_LEGACY_ID_USED[] =
    "SELECT id FROM people WHERE legacy_id = :legacy_id AND id <> :id";
static const char SQL_ADD_CONTACT[] =
    "INSERT INTO contact_methods (person_id, kind, label, value, preferred, created_at)"
    " VALUES (:id, :kind, :label, :value, :preferred, :now)";
static const char SQL_UNPREFER[] =
    "UPDATE contact_methods SET preferred = 0 WHERE person_id = :id AND kind = :kind";
static const char SQL_RESTRICTED[] =
    "SELECT restricted, COALESCE(merged_into, 0) FROM people WHERE id = :id";
static const char SQL_HAS_GRANT[] =
    "SELECT 1 FROM person_grants WHERE person_id = :id AND user_id = :user_id";
static const char SQL_GRANT[] =
    "INSERT INTO person_grants (person_id, user_id, granted_by, granted_at, reason)"
    " VALUES (:id, :user_id, :by, :now, :reason) ON CONFLICT DO NOTHING";
static const char SQL_USER_EXISTS[] = "SELECT 1 FROM users WHERE id = :id";

/* --- validation ---------------------------------------------------------- */

static bool text_ok(const char *field, const char *label, const char *v, size_t max, bool required,
                    struct err *e)
{
    if (!v || !*v) {
        if (required)
            return err_set(e, ERR_INVALID, field, "Enter the %s", label);
        return true;
    }
    if (strlen(v) > max)
        return err_set(e, ERR_INVALID, field, "The %s must be %zu characters or fewer", label, max);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return err_set(e, ERR_INVALID, field, "The %s must not contain control characters",
                           label);
    return true;
}

/* A civil date in the form YYYY-MM-DD, within [min_day, max_day]. */
static bool date_ok(const char *field, const char *label, const char *v, int64_t min_day,
                    int64_t max_day, const char *range_rule, int64_t *day, struct err *e)
{
    if (!v || !*v)
        return true;
    struct err pe = ERR_INIT;
    if (!clock_parse_date(v, day, &pe))
        return err_set(e, ERR_INVALID, field, "The %s must be a real date in the form YYYY-MM-DD",
                       label);
    if (*day < min_day || *day > max_day)
        return err_set(e, ERR_INVALID, field, "The %s %s", label, range_rule);
    return true;
}

static bool code_ok(struct ctx *x, const char *field, const char *list, const char *label,
                    const char *v, struct err *e)
{
    if (!v || !*v)
        return true;
    const struct codelist *l = x->codes ? codelist_get(x->codes, list) : NULL;
    if (!l)
        return err_set(e, ERR_INTERNAL, field, "The code list %s is not loaded", list);
    if (!codelist_has(l, v))
        return err_set(e, ERR_INVALID, field,
                       "The %s '%.20s' is not a code in the %s list (config/codes/%s.txt)", label,
                       v, list, list);
    return true;
}

static bool rename_field(struct err *e, const char *field)
{
    if (e)
        snprintf(e->field, sizeof e->field, "%s", field);
    return false;
}

static int parse_flag(const char *v)
{
    if (!v || !*v)
        return -1;
    if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"))
        return 1;
    if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off"))
        return 0;
    return -2;
}

bool people_validate(struct ctx *x, const struct person_input *in, bool creating,
                     struct person_clean *c, struct err *e)
{
    memset(c, 0, sizeof *c);
    c->in = in;
    int64_t today = clock_london_day(x->now), dob = 0, edd = 0, dod = 0;
    int64_t earliest = clock_days_from_civil(1900, 1, 1);
    if (!text_ok("forenames", "first names", in->forenames, 100, creating || in->forenames, e) ||
        !text_ok("surname", "last name", in->surname, 100, creating || in->surname, e) ||
        !text_ok("preferred_name", "preferred name", in->preferred_name, 100, false, e) ||
        !text_ok("legacy_id", "previous system's id", in->legacy_id, 40, false, e) ||
        !date_ok("dob", "date of birth", in->dob, earliest, today, "must be today or in the past",
                 &dob, e) ||
        !date_ok("expected_dob", "expected date of birth", in->expected_dob, today - 60,
                 today + 300, "must be within the next 10 months (or the last 2 months)", &edd,
                 e) ||
        !date_ok("dod", "date of death", in->dod, earliest, today, "must be today or in the past",
                 &dod, e))
        return false;
    if (in->dob && *in->dob && in->expected_dob && *in->expected_dob)
        return err_set(e, ERR_INVALID, "expected_dob",
                       "Give either a date of birth or an expected date of birth, not both");
    if (dod && dob && dod < dob)
        return err_set(e, ERR_INVALID, "dod",
                       "The date of death must be on or after the date of "
                       "birth");
    c->dob_estimated = parse_flag(in->dob_estimated);
    c->restricted = parse_flag(in->restricted);
    if (c->dob_estimated == -2)
        return err_set(e, ERR_INVALID, "dob_estimated",
                       "Say whether the date of birth is "
                       "estimated (true or false)");
    if (c->restricted == -2)
        return err_set(e, ERR_INVALID, "restricted",
                       "Say whether the record is restricted (true "
                       "or false)");
    if (in->nhs_number && *in->nhs_number && !id_nhs_number(in->nhs_number, c->nhs, e))
        return false;
    if (in->upn && *in->upn && !id_upn(in->upn, c->upn, e))
        return false;
    if (in->upn && *in->upn && in->upn_unknown && *in->upn_unknown)
        return err_set(e, ERR_INVALID, "upn_unknown",
                       "Give either a UPN or the reason it is unknown, not both");
    if (!code_ok(x, "upn_unknown", "upn_unknown", "UPN unknown reason", in->upn_unknown, e) ||
        !code_ok(x, "sex", "sex", "sex", in->sex, e) ||
        !code_ok(x, "gender", "gender", "gender", in->gender, e) ||
        !code_ok(x, "ethnicity", "ethnicity", "ethnicity", in->ethnicity, e) ||
        !code_ok(x, "language", "language", "first language", in->language, e) ||
        !code_ok(x, "religion", "religion", "religion", in->religion, e) ||
        !code_ok(x, "immigration_status", "immigration_status", "immigration status",
                 in->immigration_status, e))
        return false;
    for (size_t i = 0; i < in->ndisabilities; i++)
        if (!code_ok(x, "disabilities", "disability", "disability", in->disabilities[i], e))
            return false;
    if (in->address_line1 && *in->address_line1) {
        if (!text_ok("address_line1", "first line of the address", in->address_line1, 200, true,
                     e) ||
            !text_ok("address_line2", "second line of the address", in->address_line2, 200, false,
                     e) ||
            !text_ok("address_town", "town", in->address_town, 100, false, e))
            return false;
        /* The identifier checks name their own field; the form's is address_*. */
        if (in->address_postcode && *in->address_postcode &&
            !id_postcode(in->address_postcode, c->postcode, e))
            return rename_field(e, "address_postcode");
        if (in->address_uprn && *in->address_uprn && !id_uprn(in->address_uprn, c->uprn, e))
            return rename_field(e, "address_uprn");
    } else if ((in->address_postcode && *in->address_postcode) ||
               (in->address_town && *in->address_town)) {
        return err_set(e, ERR_INVALID, "address_line1", "Enter the first line of the address");
    }
    return true;
}

bool people_check(struct ctx *x, const struct person_input *in, struct err *e)
{
    struct person_clean c;
    return people_validate(x, in, true, &c, e);
}

/* --- access -------------------------------------------------------------- */

bool people_visible(struct ctx *x, int64_t id, bool restricted, struct err *e)
{
    if (!restricted)
        return true;
    struct store_stmt *st = store_prepare(x->conn, SQL_HAS_GRANT, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    store_bind_int64(st, ":user_id", x->who ? x->who->user_id : 0);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_DONE)
        /* Not "forbidden": a restricted record's existence is itself restricted. */
        return err_set(e, ERR_NOT_FOUND, "", "There is no person record %lld", (long long)id);
    return true;
}

bool people_may_see(struct ctx *x, int64_t id, struct err *e)
{
    if (!access_require(x->who, PERM_PEOPLE_VIEW, e))
        return false;
    struct store_stmt *st = store_prepare(x->conn, SQL_RESTRICTED, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_DONE)
        return err_set(e, ERR_NOT_FOUND, "", "There is no person record %lld", (long long)id);
    bool restricted = store_col_int64(st, 0) != 0;
    int64_t merged_into = store_col_int64(st, 1);
    if (!people_visible(x, id, restricted, e))
        return false;
    /* Writes through a merged-away id would land on a record nobody sees. */
    if (merged_into)
        return err_set(e, ERR_CONFLICT, "",
                       "Person %lld was merged into %lld; change that record instead",
                       (long long)id, (long long)merged_into);
    return true;
}

/* --- writing ------------------------------------------------------------- */

/* Bind a field for UPDATE: ":x_set" says whether it was given, ":x" the value
 * ("" clears it, stored as NULL). */
static void bind_opt(struct store_stmt *st, const char *name, const char *set_name, const char *v)
{
    store_bind_int64(st, set_name, v != NULL);
    store_bind_text_or_null(st, name, v);
}

static const char *nz(const char *given, const char *normalised)
{
    /* identifiers: the normalised form when given, "" to clear, NULL to leave */
    if (!given)
        return NULL;
    return *given ? normalised : "";
}

static bool set_disabilities(struct ctx *x, int64_t id, const struct person_input *in,
                             struct err *e)
{
    if (!store_exec_id(x->conn, SQL_CLEAR_DISABILITIES, id, e))
        return false;
    struct store_stmt *st;
    for (size_t i = 0; i < in->ndisabilities; i++) {
        st = store_prepare(x->conn, SQL_ADD_DISABILITY, e);
        if (!st)
            return false;
        store_bind_int64(st, ":id", id);
        store_bind_text(st, ":code", in->disabilities[i]);
        if (!store_exec(st, e))
            return false;
    }
    return true;
}

/* Let user_id see restricted record id, granted by the acting user. */
static bool insert_grant(struct ctx *x, int64_t id, int64_t user_id, const char *reason,
                         struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_GRANT, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    store_bind_int64(st, ":user_id", user_id);
    store_bind_int64(st, ":by", x->who->user_id);
    store_bind_int64(st, ":now", x->now);
    store_bind_text(st, ":reason", reason);
    return store_exec(st, e);
}

static bool insert_address(struct ctx *x, int64_t id, const char *line1, const char *line2,
                           const char *town, const char *postcode, const char *uprn,
                           const char *from_date, const char *to_date, struct err *e)
{
    struct store_stmt *st = store_prepare(x->conn, SQL_ADD_ADDRESS, e);
    if (!st)
        return false;
    store_bind_int64(st, ":id", id);
    store_bind_text(st, ":line1", line1);
    store_bind_text_or_null(st, ":line2", line2);
    store_bind_text_or_null(st, ":town", town);
    store_bind_text_or_null(st, ":postcode", postcode);
    store_bind_text_or_null(st, ":uprn", uprn);
    store_bind_text_or_null(st, ":from_date", from_date);
    store_bind_text_or_null(st, ":to_date", to_date);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    return store_exec(st, e);
}

/* A previous system's id belongs to one record only. */
static bool legacy_id_free(struct ctx *x, int64_t id, const char *legacy_id, struct err *e)
{
    if (!legacy_id || !*legacy_id)
        return true;
    struct store_stmt *st = store_prepare(x->conn, SQL_LEGACY_ID_USED, e);
    if (!st)
        return false;
    store_bind_text(st, ":legacy_id", legacy_id);
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        return false;
    if (r == STORE_ROW)
        return err_set(e, ERR_INVALID, "legacy_id",
                       "The previous system's id %.40s is already on person %lld", legacy_id,
                       (long long)store_col_int64(st, 0));
    return true;
}

bool people_create(struct ctx *x, const struct person_input *in, bool confirm_new, int64_t *id_out,
                   struct err *e)
{
    struct person_clean c;
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e) || !people_validate(x, in, true, &c, e) ||
        !legacy_id_free(x, 0, in->legacy_id, e))
        return false;
    struct person_candidate cands[PEOPLE_MAX_CANDIDATES];
    size_t ncands = 0;
    if (!people_find_matches(x, in, cands, &ncands, e))
        return false;
    if (ncands && !confirm_new)
        return err_set(e, ERR_CONFLICT, "",
                       "%zu existing record%s may be this person (best match %lld, score %d). "
                       "Check them, then confirm that this is a new person",
                       ncands, ncands == 1 ? "" : "s", (long long)cands[0].id, cands[0].score);
    bool ok = false;
    struct buf detail = BUF_INIT;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_INSERT, e);
    if (!st)
        goto done;
    store_bind_text_or_null(st, ":legacy_id", in->legacy_id);
    store_bind_text(st, ":forenames", in->forenames);
    store_bind_text(st, ":surname", in->surname);
    store_bind_text_or_null(st, ":preferred_name", in->preferred_name);
    store_bind_text_or_null(st, ":dob", in->dob);
    store_bind_int64(st, ":dob_estimated", c.dob_estimated == 1);
    store_bind_text_or_null(st, ":expected_dob", in->expected_dob);
    store_bind_text_or_null(st, ":dod", in->dod);
    store_bind_text_or_null(st, ":nhs_number", c.nhs);
    store_bind_text_or_null(st, ":upn", c.upn);
    store_bind_text_or_null(st, ":upn_unknown", in->upn_unknown);
    store_bind_text_or_null(st, ":sex", in->sex);
    store_bind_text_or_null(st, ":gender", in->gender);
    store_bind_text_or_null(st, ":ethnicity", in->ethnicity);
    store_bind_text_or_null(st, ":language", in->language);
    store_bind_text_or_null(st, ":religion", in->religion);
    store_bind_text_or_null(st, ":immigration_status", in->immigration_status);
    store_bind_int64(st, ":restricted", c.restricted == 1);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    if (store_step(st, e) != STORE_ROW)
        goto done;
    int64_t id = store_col_int64(st, 0);
    if (!store_exec(st, e) || !set_disabilities(x, id, in, e))
        goto done;
    if (in->address_line1 && *in->address_line1 &&
        !insert_address(x, id, in->address_line1, in->address_line2, in->address_town, c.postcode,
                        c.uprn, NULL, NULL, e))
        goto done;
    if (c.restricted == 1) {
        /* Whoever restricts a record keeps sight of it. */
        if (!insert_grant(x, id, x->who->user_id, "created the restricted record", e))
            goto done;
    }
    if (ncands) {
        buf_printf(&detail, "confirmed as a new person despite %zu possible match%s:", ncands,
                   ncands == 1 ? "" : "es");
        for (size_t i = 0; i < ncands; i++)
            buf_printf(&detail, " %lld (score %d)", (long long)cands[i].id, cands[i].score);
    }
    if (!people_rebuild_keys(x, id, e) ||
        !ctx_audit(x, "person.create", "person", id, NULL, detail.len ? detail.data : NULL, e) ||
        !store_commit(x->conn, e))
        goto done;
    if (id_out)
        *id_out = id;
    ok = true;
done:
    if (!ok)
        store_rollback(x->conn);
    buf_release(&detail);
    return ok;
}

/* Which fields an update names, for the audit detail. */
static void changed_fields(struct buf *b, const struct person_input *in)
{
    const struct {
        const char *name, *value;
    } f[] = {{"forenames", in->forenames},
             {"surname", in->surname},
             {"preferred_name", in->preferred_name},
             {"dob", in->dob},
             {"dob_estimated", in->dob_estimated},
             {"expected_dob", in->expected_dob},
             {"dod", in->dod},
             {"nhs_number", in->nhs_number},
             {"upn", in->upn},
             {"upn_unknown", in->upn_unknown},
             {"legacy_id", in->legacy_id},
             {"sex", in->sex},
             {"gender", in->gender},
             {"ethnicity", in->ethnicity},
             {"language", in->language},
             {"religion", in->religion},
             {"immigration_status", in->immigration_status},
             {"restricted", in->restricted}};
    buf_puts(b, "changed:");
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i].value)
            buf_printf(b, " %s", f[i].name);
    if (in->set_disabilities)
        buf_puts(b, " disabilities");
}

bool people_update(struct ctx *x, int64_t id, const struct person_input *in, struct err *e)
{
    struct person_clean c;
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e) || !ntk_require(x, id, ACTION_EDIT, e) ||
        !people_validate(x, in, false, &c, e) || !legacy_id_free(x, id, in->legacy_id, e))
        return false;
    bool ok = false;
    struct buf detail = BUF_INIT;
    if (!store_begin(x->conn, true, e))
        goto done;
    /* The name history first, while the row still holds the old name. */
    struct store_stmt *st = store_prepare(x->conn, SQL_OLD_NAME, e);
    if (!st)
        goto done;
    struct buf today = BUF_INIT;
    clock_format_date(&today, clock_london_day(x->now));
    store_bind_text(st, ":today", today.data);
    buf_release(&today);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    store_bind_int64(st, ":id", id);
    store_bind_text_or_null(st, ":forenames", in->forenames);
    store_bind_text_or_null(st, ":surname", in->surname);
    if (!store_exec(st, e))
        goto done;
    st = store_prepare(x->conn, SQL_UPDATE, e);
    if (!st)
        goto done;
    store_bind_text_or_null(st, ":forenames", in->forenames);
    store_bind_text_or_null(st, ":surname", in->surname);
    bind_opt(st, ":preferred_name", ":preferred_name_set", in->preferred_name);
    bind_opt(st, ":dob", ":dob_set", in->dob);
    if (c.dob_estimated >= 0)
        store_bind_int64(st, ":dob_estimated", c.dob_estimated);
    else
        store_bind_null(st, ":dob_estimated");
    bind_opt(st, ":expected_dob", ":expected_dob_set", in->expected_dob);
    bind_opt(st, ":dod", ":dod_set", in->dod);
    bind_opt(st, ":nhs_number", ":nhs_number_set", nz(in->nhs_number, c.nhs));
    bind_opt(st, ":upn", ":upn_set", nz(in->upn, c.upn));
    bind_opt(st, ":upn_unknown", ":upn_unknown_set", in->upn_unknown);
    bind_opt(st, ":legacy_id", ":legacy_id_set", in->legacy_id);
    bind_opt(st, ":sex", ":sex_set", in->sex);
    bind_opt(st, ":gender", ":gender_set", in->gender);
    bind_opt(st, ":ethnicity", ":ethnicity_set", in->ethnicity);
    bind_opt(st, ":language", ":language_set", in->language);
    bind_opt(st, ":religion", ":religion_set", in->religion);
    bind_opt(st, ":immigration_status", ":immigration_status_set", in->immigration_status);
    if (c.restricted >= 0)
        store_bind_int64(st, ":restricted", c.restricted);
    else
        store_bind_null(st, ":restricted");
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":id", id);
    if (!store_exec(st, e))
        goto done;
    if (store_changes(x->conn) == 0) {
        err_set(e, ERR_CONFLICT, "",
                "Person %lld was merged into another record; change that "
                "record instead",
                (long long)id);
        goto done;
    }
    if (in->set_disabilities && !set_disabilities(x, id, in, e))
        goto done;
    if (c.restricted == 1) {
        /* Whoever restricts a record keeps sight of it (as on create). */
        if (!insert_grant(x, id, x->who->user_id, "restricted the record", e))
            goto done;
    }
    changed_fields(&detail, in);
    ok = people_rebuild_keys(x, id, e) &&
         ctx_audit(x, "person.update", "person", id, NULL, detail.data, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    buf_release(&detail);
    return ok;
}

bool people_add_address(struct ctx *x, int64_t id, const struct address_input *in, struct err *e)
{
    char postcode[9] = "", uprn[13] = "";
    int64_t from = clock_london_day(x->now);
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e) || !ntk_require(x, id, ACTION_EDIT, e) ||
        !text_ok("line1", "first line of the address", in->line1, 200, true, e) ||
        !text_ok("line2", "second line of the address", in->line2, 200, false, e) ||
        !text_ok("town", "town", in->town, 100, false, e) ||
        (in->postcode && *in->postcode && !id_postcode(in->postcode, postcode, e)) ||
        (in->uprn && *in->uprn && !id_uprn(in->uprn, uprn, e)) ||
        !date_ok("from_date", "date they moved in", in->from_date,
                 clock_days_from_civil(1900, 1, 1), clock_london_day(x->now) + 366,
                 "must be within the next year", &from, e))
        return false;
    struct buf from_s = BUF_INIT, to_s = BUF_INIT;
    clock_format_date(&from_s, from);
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_CURRENT_ADDRESS_FROM, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", id);
    enum store_step_result r = store_step(st, e);
    if (r == STORE_ERROR)
        goto done;
    int64_t current_from = 0;
    struct err ignore = ERR_INIT;
    bool earlier = r == STORE_ROW && *store_col_text(st, 0) &&
                   clock_parse_date(store_col_text(st, 0), &current_from, &ignore) &&
                   from < current_from;
    if (r == STORE_ROW)
        store_exec(st, e);
    if (earlier) {
        /* Moved in before the current address began: it is past history, ending the
         * day before the current one starts; the current address stays current. */
        clock_format_date(&to_s, current_from - 1);
        ok = insert_address(x, id, in->line1, in->line2, in->town, postcode, uprn, from_s.data,
                            to_s.data, e);
    } else {
        clock_format_date(&to_s, from - 1);
        st = store_prepare(x->conn, SQL_END_ADDRESS, e);
        if (!st)
            goto done;
        store_bind_text(st, ":to_date", to_s.data);
        store_bind_int64(st, ":id", id);
        ok = store_exec(st, e) && insert_address(x, id, in->line1, in->line2, in->town, postcode,
                                                 uprn, from_s.data, NULL, e);
    }
    ok = ok && people_rebuild_keys(x, id, e) &&
         ctx_audit(x, "person.address-add", "person", id, NULL, postcode, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    buf_release(&from_s);
    buf_release(&to_s);
    return ok;
}

bool people_add_name(struct ctx *x, int64_t id, const char *forenames, const char *surname,
                     const char *from_date, struct err *e)
{
    int64_t day;
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e) || !ntk_require(x, id, ACTION_EDIT, e) ||
        !text_ok("forenames", "first names", forenames, 100, true, e) ||
        !text_ok("surname", "last name", surname, 100, true, e) ||
        !date_ok("from_date", "date the name was first used", from_date,
                 clock_days_from_civil(1900, 1, 1), clock_london_day(x->now),
                 "must be today or in the past", &day, e))
        return false;
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = store_prepare(x->conn, SQL_ADD_NAME, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", id);
    store_bind_text(st, ":forenames", forenames);
    store_bind_text(st, ":surname", surname);
    store_bind_text_or_null(st, ":from_date", from_date);
    store_bind_int64(st, ":now", x->now);
    store_bind_int64(st, ":by", x->who->user_id);
    ok = store_exec(st, e) && people_rebuild_keys(x, id, e) &&
         ctx_audit(x, "person.name-add", "person", id, NULL, NULL, e) && store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

static bool contact_value_ok(const char *kind, const char *value, struct err *e)
{
    if (!text_ok("value", strcmp(kind, "email") ? "phone number" : "email address", value, 254,
                 true, e))
        return false;
    if (!strcmp(kind, "email")) {
        const char *at = strchr(value, '@');
        if (!at || at == value || !strchr(at, '.') || strchr(value, ' '))
            return err_set(e, ERR_INVALID, "value",
                           "Enter an email address in the correct format, like name@example.com");
        return true;
    }
    int digits = 0;
    for (const char *p = value; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr(" +()-", *p))
            return err_set(e, ERR_INVALID, "value",
                           "A phone number can only contain digits, spaces and + ( ) -");
    }
    if (digits < 10 || digits > 15)
        return err_set(e, ERR_INVALID, "value", "A phone number must have 10 to 15 digits");
    return true;
}

bool people_add_contact(struct ctx *x, int64_t id, const char *kind, const char *label,
                        const char *value, bool preferred, struct err *e)
{
    static const char *labels[] = {"home", "mobile", "work", "other"};
    bool label_ok = false;
    for (size_t i = 0; label && i < 4; i++)
        label_ok = label_ok || !strcmp(label, labels[i]);
    if (!access_require(x->who, PERM_PEOPLE_EDIT, e) || !ntk_require(x, id, ACTION_EDIT, e))
        return false;
    if (!kind || (strcmp(kind, "phone") && strcmp(kind, "email")))
        return err_set(e, ERR_INVALID, "kind", "Choose phone or email");
    if (!label_ok)
        return err_set(e, ERR_INVALID, "label", "Choose home, mobile, work or other");
    if (!contact_value_ok(kind, value, e))
        return false;
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st;
    if (preferred) {
        st = store_prepare(x->conn, SQL_UNPREFER, e);
        if (!st)
            goto done;
        store_bind_int64(st, ":id", id);
        store_bind_text(st, ":kind", kind);
        if (!store_exec(st, e))
            goto done;
    }
    st = store_prepare(x->conn, SQL_ADD_CONTACT, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", id);
    store_bind_text(st, ":kind", kind);
    store_bind_text(st, ":label", label);
    store_bind_text(st, ":value", value);
    store_bind_int64(st, ":preferred", preferred);
    store_bind_int64(st, ":now", x->now);
    ok = store_exec(st, e) && ctx_audit(x, "person.contact-add", "person", id, NULL, kind, e) &&
         store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}

bool people_grant(struct ctx *x, int64_t id, int64_t user_id, const char *reason, struct err *e)
{
    if (!access_require(x->who, PERM_USERS_ADMIN, e) ||
        !text_ok("reason", "reason", reason, 500, true, e))
        return false;
    bool ok = false;
    if (!store_begin(x->conn, true, e))
        goto done;
    struct store_stmt *st = ctx_row(x, SQL_RESTRICTED, id, "person record", e);
    if (!st)
        goto done;
    st = store_prepare(x->conn, SQL_USER_EXISTS, e);
    if (!st)
        goto done;
    store_bind_int64(st, ":id", user_id);
    enum store_step_result r = store_step(st, e);
    if (r != STORE_ROW) {
        if (r == STORE_DONE)
            err_set(e, ERR_INVALID, "user_id", "User %lld does not exist", (long long)user_id);
        goto done;
    }
    char detail[64];
    snprintf(detail, sizeof detail, "user %lld", (long long)user_id);
    ok = insert_grant(x, id, user_id, reason, e) &&
         ctx_audit(x, "person.grant", "person", id, reason, detail, e) && store_commit(x->conn, e);
done:
    if (!ok)
        store_rollback(x->conn);
    return ok;
}
