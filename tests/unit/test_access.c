/*
 * Unit tests for access/access: every cell of the role x permission table,
 * anonymous callers, the error each refusal gives (ERR_AUTH when nobody is
 * signed in, ERR_DENIED otherwise), and role names. The expected table is
 * written out here from the product's rules, independently of access.c: an
 * auditor only reads; only administrators manage users.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "access/access.h"
#include "core/err.h"

/* The expected table, by permission name, so a permission added to access.h
 * without a row here fails the test instead of going unchecked. */
struct expected_row {
    const char *perm;
    /* administrator, manager, practitioner, auditor, councillor, enquiry
     * co-ordinator, complaints officer (a row that stops early denies the rest) */
    bool allowed[ROLE_COUNT];
};
static const struct expected_row expected[] = {
    {"public", {true, true, true, true, true, true, true}},
    {"signed-in", {true, true, true, true, true, true, true}},
    {"users.admin", {true, false, false, false}},
    {"audit.read", {true, false, false, true}},
    /* The auditor may look at people but never change them. */
    {"people.view", {true, true, true, true}},
    {"people.edit", {true, true, true, false}},
    /* Casework: the auditor reads; managers and administrators authorise. */
    {"cases.view", {true, true, true, true}},
    {"cases.edit", {true, true, true, false}},
    {"cases.authorise", {true, true, false, false}},
    {"cases.allocate", {true, true, false, false}},
    /* Statutory returns: the performance team's work (administrators, managers). */
    {"returns", {true, true, false, false, false, false, false}},
    /* Enquiries and complaints: councillors, co-ordinators and complaints
     * officers see nothing of social care above; officers (managers,
     * practitioners) respond to what they are assigned. */
    {"enquiries.submit", {false, false, false, false, true, false, false}},
    {"enquiries.view", {true, true, true, true, true, true, false}},
    {"enquiries.respond", {true, true, true, false, false, true, false}},
    {"enquiries.coordinate", {true, false, false, false, false, true, false}},
    {"complaints.view", {true, false, false, true, false, false, true}},
    {"complaints.manage", {true, false, false, false, false, false, true}},
    /* A record's manager reviews break-glass overrides; administrators any. */
    {"overrides.review", {true, true, false, false, false, false, false}},
    /* Destruction is confirmed by a manager; never by a practitioner or the auditor. */
    {"retention.manage", {true, true, false, false, false, false, false}},
    /* Subject access: information governance (the auditor) and administrators. */
    {"sar.manage", {true, false, false, true, false, false, false}},
    /* A manager grants team members access to a record; administrators any. */
    {"access.grant", {true, true, false, false, false, false, false}},
};

static const struct expected_row *expected_for(enum perm p)
{
    const char *name = access_perm_name(p);
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (strcmp(expected[i].perm, name) == 0)
            return &expected[i];
    fail_msg("permission %s (%d) has no row in the expected table: add one", name, (int)p);
    return NULL;
}

static struct principal someone(enum role r)
{
    struct principal p = {0};
    p.user_id = 7;
    p.username = "sam";
    p.display_name = "Sam Patel";
    p.role = r;
    p.session_id = 3;
    return p;
}

static void test_grant_table(void **state)
{
    (void)state;
    assert_int_equal(PERM_NONE, 0);
    for (int p = 0; p < PERM_COUNT; p++) {
        const struct expected_row *row = expected_for((enum perm)p);
        for (int r = 0; r < ROLE_COUNT; r++) {
            struct principal who = someone((enum role)r);
            bool want = row->allowed[r];
            if (access_allows(&who, (enum perm)p) != want)
                fail_msg("%s with %s: expected %s", access_role_name((enum role)r),
                         access_perm_name((enum perm)p), want ? "allowed" : "denied");
            struct err e = ERR_INIT;
            assert_int_equal(access_require(&who, (enum perm)p, &e), want);
            if (want) {
                assert_int_equal(e.code, ERR_NONE);
            } else {
                assert_int_equal(e.code, ERR_DENIED);
                /* The refusal says which role and which permission. */
                assert_non_null(strstr(e.message, access_role_name((enum role)r)));
                assert_non_null(strstr(e.message, access_perm_name((enum perm)p)));
            }
        }
    }
}

static void test_anonymous(void **state)
{
    (void)state;
    assert_true(access_allows(NULL, PERM_NONE));
    struct err e = ERR_INIT;
    assert_true(access_require(NULL, PERM_NONE, &e));
    assert_int_equal(e.code, ERR_NONE);
    for (int p = PERM_SIGNED_IN; p < PERM_COUNT; p++) {
        assert_false(access_allows(NULL, (enum perm)p));
        err_clear(&e);
        assert_false(access_require(NULL, (enum perm)p, &e));
        assert_int_equal(e.code, ERR_AUTH);
        assert_int_equal(err_http_status(e.code), 401);
    }
    /* A NULL err is allowed: the answer alone. */
    assert_false(access_require(NULL, PERM_SIGNED_IN, NULL));
    struct principal admin = someone(ROLE_ADMINISTRATOR);
    assert_true(access_require(&admin, PERM_USERS_ADMIN, NULL));
}

static void test_denied_is_403(void **state)
{
    (void)state;
    struct principal who = someone(ROLE_PRACTITIONER);
    struct err e = ERR_INIT;
    assert_false(access_require(&who, PERM_USERS_ADMIN, &e));
    assert_int_equal(e.code, ERR_DENIED);
    assert_int_equal(err_http_status(e.code), 403);
    err_clear(&e);
    who.role = ROLE_AUDITOR;
    assert_false(access_require(&who, PERM_USERS_ADMIN, &e));
    assert_int_equal(e.code, ERR_DENIED);
}

static void test_out_of_range(void **state)
{
    (void)state;
    /* Values outside the enums (corrupt data, a bad cast) never grant anything
     * beyond public. */
    struct principal who = someone(ROLE_COUNT);
    assert_false(access_allows(&who, PERM_SIGNED_IN));
    assert_false(access_allows(&who, PERM_USERS_ADMIN));
    assert_true(access_allows(&who, PERM_NONE));
    who = someone((enum role) - 1);
    assert_false(access_allows(&who, PERM_AUDIT_READ));
    struct principal admin = someone(ROLE_ADMINISTRATOR);
    assert_false(access_allows(&admin, PERM_COUNT));
    assert_false(access_allows(&admin, (enum perm)99));
    struct err e = ERR_INIT;
    assert_false(access_require(&admin, (enum perm)99, &e));
    assert_int_equal(e.code, ERR_DENIED);
    assert_string_equal(access_role_name(ROLE_COUNT), "unknown");
    assert_string_equal(access_perm_name(PERM_COUNT), "unknown");
}

static void test_role_names(void **state)
{
    (void)state;
    static const char *names[ROLE_COUNT] = {
        [ROLE_ADMINISTRATOR] = "administrator",
        [ROLE_MANAGER] = "manager",
        [ROLE_PRACTITIONER] = "practitioner",
        [ROLE_AUDITOR] = "auditor",
        [ROLE_COUNCILLOR] = "councillor",
        [ROLE_ENQUIRY_COORDINATOR] = "enquiry_coordinator",
        [ROLE_COMPLAINTS_OFFICER] = "complaints_officer",
    };
    for (int r = 0; r < ROLE_COUNT; r++) {
        assert_string_equal(access_role_name((enum role)r), names[r]);
        enum role parsed = ROLE_COUNT;
        assert_true(access_parse_role(names[r], &parsed));
        assert_int_equal(parsed, r);
        assert_non_null(access_role_label((enum role)r));
    }
    assert_string_equal(access_role_label(ROLE_ADMINISTRATOR), "Administrator");
    assert_string_equal(access_role_label(ROLE_AUDITOR), "Auditor (read-only)");

    static const char *bad[] = {"",         "Administrator", "admin",    "administrator ",
                                " manager", "root",          "auditors", "practitioner\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        enum role parsed = ROLE_MANAGER;
        assert_false(access_parse_role(bad[i], &parsed));
        assert_int_equal(parsed, ROLE_MANAGER); /* untouched on failure */
    }
}

static void test_perm_names(void **state)
{
    (void)state;
    assert_string_equal(access_perm_name(PERM_NONE), "public");
    assert_string_equal(access_perm_name(PERM_SIGNED_IN), "signed-in");
    assert_string_equal(access_perm_name(PERM_USERS_ADMIN), "users.admin");
    assert_string_equal(access_perm_name(PERM_AUDIT_READ), "audit.read");
    /* Names are distinct, so the table above cannot match one row twice. */
    for (int p = 0; p < PERM_COUNT; p++)
        for (int q = p + 1; q < PERM_COUNT; q++)
            assert_string_not_equal(access_perm_name((enum perm)p), access_perm_name((enum perm)q));
}

/* --- need-to-know ---------------------------------------------------------- */

#define ALL_DOMAINS (DOMAIN_CHILDREN | DOMAIN_EARLY_HELP | DOMAIN_ADULTS)

static void test_decide_relationship(void **state)
{
    (void)state;
    struct principal who = someone(ROLE_PRACTITIONER);
    struct access_facts f = {.record_domains = DOMAIN_CHILDREN, .role_domains = ALL_DOMAINS};
    /* No relationship: a reason is needed; any one of them opens it. */
    assert_int_equal(access_decide(&who, &f), ACCESS_NEEDS_REASON);
    f.related = true;
    assert_int_equal(access_decide(&who, &f), ACCESS_ALLOW);
    f.related = false;
    f.override_active = true;
    assert_int_equal(access_decide(&who, &f), ACCESS_ALLOW);
    f.override_active = false;
    f.granted = true;
    assert_int_equal(access_decide(&who, &f), ACCESS_ALLOW);
    /* A person with no case yet: the same rule, whatever the role's domains. */
    struct access_facts none = {.role_domains = DOMAIN_ADULTS};
    assert_int_equal(access_decide(&who, &none), ACCESS_NEEDS_REASON);
    none.related = true;
    assert_int_equal(access_decide(&who, &none), ACCESS_ALLOW);
    assert_int_equal(access_decide(NULL, &none), ACCESS_WRONG_DOMAIN);
}

static void test_decide_restricted(void **state)
{
    (void)state;
    struct principal who = someone(ROLE_MANAGER);
    struct access_facts f = {.restricted = true,
                             .related = true,
                             .override_active = true,
                             .record_domains = DOMAIN_ADULTS,
                             .role_domains = ALL_DOMAINS,
                             .role_rel_free = ALL_DOMAINS};
    /* Neither a relationship nor an override nor a free role opens a
     * restricted record: only its grant does. */
    assert_int_equal(access_decide(&who, &f), ACCESS_HIDDEN);
    f.granted = true;
    assert_int_equal(access_decide(&who, &f), ACCESS_ALLOW);
}

static void test_decide_domains(void **state)
{
    (void)state;
    struct principal who = someone(ROLE_PRACTITIONER);
    /* An adults' worker has nothing to do with a children's record, related or not. */
    struct access_facts f = {
        .related = true, .record_domains = DOMAIN_CHILDREN, .role_domains = DOMAIN_ADULTS};
    assert_int_equal(access_decide(&who, &f), ACCESS_WRONG_DOMAIN);
    f.override_active = true;
    assert_int_equal(access_decide(&who, &f), ACCESS_WRONG_DOMAIN);
    /* Early help sits inside children's: a children's grant covers it... */
    f = (struct access_facts){
        .related = true, .record_domains = DOMAIN_EARLY_HELP, .role_domains = DOMAIN_CHILDREN};
    assert_int_equal(access_decide(&who, &f), ACCESS_ALLOW);
    /* ...but an early-help grant does not reach children's social care. */
    f.record_domains = DOMAIN_CHILDREN;
    f.role_domains = DOMAIN_EARLY_HELP;
    assert_int_equal(access_decide(&who, &f), ACCESS_WRONG_DOMAIN);
    /* Known to both services: either side's worker may see it. */
    f.record_domains = DOMAIN_CHILDREN | DOMAIN_ADULTS;
    f.role_domains = DOMAIN_ADULTS;
    assert_int_equal(access_decide(&who, &f), ACCESS_ALLOW);
    /* A role with no such action anywhere: not even a person with no case. */
    f = (struct access_facts){.related = true};
    assert_int_equal(access_decide(&who, &f), ACCESS_WRONG_DOMAIN);
}

static void test_decide_relationship_free(void **state)
{
    (void)state;
    struct principal who = someone(ROLE_AUDITOR);
    /* The auditor's view needs no relationship in any domain. */
    struct access_facts f = {.record_domains = DOMAIN_ADULTS | DOMAIN_CHILDREN,
                             .role_domains = ALL_DOMAINS,
                             .role_rel_free = ALL_DOMAINS};
    assert_int_equal(access_decide(&who, &f), ACCESS_ALLOW);
    struct access_facts none = {.role_domains = ALL_DOMAINS, .role_rel_free = ALL_DOMAINS};
    assert_int_equal(access_decide(&who, &none), ACCESS_ALLOW);
    /* Free in adults only: a record also in children's still needs a reason. */
    f.role_rel_free = DOMAIN_ADULTS;
    assert_int_equal(access_decide(&who, &f), ACCESS_NEEDS_REASON);
    f.record_domains = DOMAIN_ADULTS;
    assert_int_equal(access_decide(&who, &f), ACCESS_ALLOW);
    /* "Free" without the action itself is nothing. */
    f.role_domains = DOMAIN_CHILDREN;
    assert_int_equal(access_decide(&who, &f), ACCESS_WRONG_DOMAIN);
}

static void test_action_and_domain_names(void **state)
{
    (void)state;
    assert_string_equal(access_action_name(ACTION_VIEW), "view");
    assert_string_equal(access_action_name(ACTION_ADMINISTER), "administer");
    assert_null(access_action_name(ACTION_COUNT));
    assert_int_equal(access_domain_bit("children"), DOMAIN_CHILDREN);
    assert_int_equal(access_domain_bit("early_help"), DOMAIN_EARLY_HELP);
    assert_int_equal(access_domain_bit("adults"), DOMAIN_ADULTS);
    assert_int_equal(access_domain_bit("Adults"), 0);
    assert_int_equal(access_domain_bit(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grant_table),
        cmocka_unit_test(test_anonymous),
        cmocka_unit_test(test_denied_is_403),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_perm_names),
        cmocka_unit_test(test_decide_relationship),
        cmocka_unit_test(test_decide_restricted),
        cmocka_unit_test(test_decide_domains),
        cmocka_unit_test(test_decide_relationship_free),
        cmocka_unit_test(test_action_and_domain_names),
    };
    return cmocka_run_group_tests_name("access", tests, NULL, NULL);
}
