#include "access/access.h"

#include <string.h>

static const char *role_names[ROLE_COUNT] = {
    "administrator",       "manager",           "practitioner", "auditor", "councillor",
    "enquiry_coordinator", "complaints_officer"};
static const char *role_labels[ROLE_COUNT] = {"Administrator",     "Manager",
                                              "Practitioner",      "Auditor (read-only)",
                                              "Councillor",        "Enquiry co-ordinator",
                                              "Complaints officer"};

/* Which roles hold which permission. An auditor reads the audit log and
 * nothing else changes; practitioners and managers get case permissions in
 * later issues. */
static const bool grants[PERM_COUNT][ROLE_COUNT] = {
    [PERM_NONE] = {true, true, true, true, true, true, true},
    [PERM_SIGNED_IN] = {true, true, true, true, true, true, true},
    [PERM_USERS_ADMIN] = {true, false, false, false},
    [PERM_AUDIT_READ] = {true, false, false, true},
    /* The read-only auditor may look but not change. */
    [PERM_PEOPLE_VIEW] = {true, true, true, true},
    [PERM_PEOPLE_EDIT] = {true, true, true, false},
    /* Casework: the auditor reads; only managers (and administrators, who
     * stand in for them) authorise a step. */
    [PERM_CASES_VIEW] = {true, true, true, true},
    [PERM_CASES_EDIT] = {true, true, true, false},
    [PERM_CASES_AUTHORISE] = {true, true, false, false},
    [PERM_CASES_ALLOCATE] = {true, true, false, false},
    /* The performance team's work: administrators and managers (who fix the data). */
    [PERM_RETURNS] = {true, true, false, false, false, false, false},
    /* Columns: administrator, manager, practitioner, auditor, councillor,
     * enquiry co-ordinator, complaints officer. Managers and practitioners
     * are the officers enquiries are assigned to; the auditor reads. */
    [PERM_ENQUIRIES_SUBMIT] = {false, false, false, false, true, false, false},
    [PERM_ENQUIRIES_VIEW] = {true, true, true, true, true, true, false},
    [PERM_ENQUIRIES_RESPOND] = {true, true, true, false, false, true, false},
    [PERM_ENQUIRIES_COORDINATE] = {true, false, false, false, false, true, false},
    [PERM_COMPLAINTS_VIEW] = {true, false, false, true, false, false, true},
    [PERM_COMPLAINTS_MANAGE] = {true, false, false, false, false, false, true},
    /* A record's manager reviews the overrides on it; administrators any. */
    [PERM_OVERRIDE_REVIEW] = {true, true, false, false, false, false, false},
    /* A manager confirms each destruction batch; administrators set holds too. */
    [PERM_RETENTION] = {true, true, false, false, false, false, false},
    /* Subject access is information governance's: the auditor records the
     * request and exports the record (read-only otherwise). */
    [PERM_SAR] = {true, false, false, true, false, false, false},
    /* A team manager lets a team member open a record the team works on
     * (domain/access_grants narrows it); administrators any. */
    [PERM_ACCESS_GRANT] = {true, true, false, false, false, false, false},
};

const char *access_role_name(enum role r)
{
    return (unsigned)r < ROLE_COUNT ? role_names[r] : "unknown";
}

const char *access_role_label(enum role r)
{
    return (unsigned)r < ROLE_COUNT ? role_labels[r] : "Unknown";
}

bool access_parse_role(const char *s, enum role *out)
{
    for (int i = 0; i < ROLE_COUNT; i++) {
        if (strcmp(s, role_names[i]) == 0) {
            *out = (enum role)i;
            return true;
        }
    }
    return false;
}

const char *access_perm_name(enum perm p)
{
    switch (p) {
    case PERM_NONE:
        return "public";
    case PERM_SIGNED_IN:
        return "signed-in";
    case PERM_USERS_ADMIN:
        return "users.admin";
    case PERM_AUDIT_READ:
        return "audit.read";
    case PERM_PEOPLE_VIEW:
        return "people.view";
    case PERM_PEOPLE_EDIT:
        return "people.edit";
    case PERM_CASES_VIEW:
        return "cases.view";
    case PERM_CASES_EDIT:
        return "cases.edit";
    case PERM_CASES_AUTHORISE:
        return "cases.authorise";
    case PERM_CASES_ALLOCATE:
        return "cases.allocate";
    case PERM_RETURNS:
        return "returns";
    case PERM_ENQUIRIES_SUBMIT:
        return "enquiries.submit";
    case PERM_ENQUIRIES_VIEW:
        return "enquiries.view";
    case PERM_ENQUIRIES_RESPOND:
        return "enquiries.respond";
    case PERM_ENQUIRIES_COORDINATE:
        return "enquiries.coordinate";
    case PERM_COMPLAINTS_VIEW:
        return "complaints.view";
    case PERM_COMPLAINTS_MANAGE:
        return "complaints.manage";
    case PERM_OVERRIDE_REVIEW:
        return "overrides.review";
    case PERM_RETENTION:
        return "retention.manage";
    case PERM_SAR:
        return "sar.manage";
    case PERM_ACCESS_GRANT:
        return "access.grant";
    case PERM_COUNT:
        break;
    }
    return "unknown";
}

bool access_allows(const struct principal *who, enum perm p)
{
    if (p == PERM_NONE)
        return true;
    if (!who || (unsigned)p >= PERM_COUNT || (unsigned)who->role >= ROLE_COUNT)
        return false;
    return grants[p][who->role];
}

bool access_require(const struct principal *who, enum perm p, struct err *e)
{
    if (access_allows(who, p))
        return true;
    if (!who)
        return err_set(e, ERR_AUTH, "", "you need to sign in");
    return err_set(e, ERR_DENIED, "", "your role (%s) does not allow this (%s)",
                   access_role_name(who->role), access_perm_name(p));
}

/* --- need-to-know --------------------------------------------------------- */

static const char *action_names[ACTION_COUNT] = {"view", "create", "edit", "authorise",
                                                 "administer"};

const char *access_action_name(enum access_action a)
{
    return (unsigned)a < ACTION_COUNT ? action_names[a] : NULL;
}

unsigned access_domain_bit(const char *name)
{
    if (!name)
        return 0;
    if (strcmp(name, "children") == 0)
        return DOMAIN_CHILDREN;
    if (strcmp(name, "early_help") == 0)
        return DOMAIN_EARLY_HELP;
    if (strcmp(name, "adults") == 0)
        return DOMAIN_ADULTS;
    return 0;
}

/* Early help is a domain inside children's: what a role may do in children's
 * records it may do in early help records too. */
static unsigned widen(unsigned domains)
{
    return (domains & DOMAIN_CHILDREN) ? domains | DOMAIN_EARLY_HELP : domains;
}

enum access_verdict access_decide(const struct principal *who, const struct access_facts *f)
{
    if (!who || !f)
        return ACCESS_WRONG_DOMAIN;
    /* A restricted record needs its explicit grant whatever else holds. */
    if (f->restricted && !f->granted)
        return ACCESS_HIDDEN;
    unsigned may = widen(f->role_domains);
    unsigned free = widen(f->role_rel_free) & may;
    /* A record with no case yet has no domain: any domain of the role will
     * do. With cases, one of its domains must be one of the role's (a person
     * known to both children's and adults' services is seen from either). */
    unsigned domains = f->record_domains ? f->record_domains : may;
    if (!(domains & may))
        return ACCESS_WRONG_DOMAIN;
    /* Need-to-know: every domain the record is in must waive the
     * relationship, or the user must have one (or a grant, or an override). */
    if ((domains & free) == domains && free)
        return ACCESS_ALLOW;
    if (f->related || f->granted || f->override_active)
        return ACCESS_ALLOW;
    return ACCESS_NEEDS_REASON;
}
