/*
 * The CIN census validation rules: the table (each rule's DfE number and
 * message, and its function in cin_rules_child.c or cin_rules_plans.c), the
 * return-wide rule 1520, and running them. The DfE's rule set is the
 * Children in need census validation rules, 2025 to 2026.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "returns/cin_rules_internal.h"

void cin_rules_fail(struct cin_check *k, const struct cin_child *c, enum cin_where where,
                    int64_t id)
{
    struct cin_failures *f = k->out;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        struct cin_failure *bigger = realloc(f->items, cap * sizeof *bigger);
        if (!bigger) {
            f->nomem = true;
            return;
        }
        f->items = bigger;
        f->cap = cap;
    }
    f->items[f->n++] = (struct cin_failure){k->rule, c->person_id, where, id};
    if (k->rule->query)
        f->queries++;
    else
        f->errors++;
}

/* --- the table ------------------------------------------------------------ */

static const struct cin_rule rules[] = {
    {"1510", "UPN invalid (wrong check letter at character 1)", false, cin_rule_1510},
    {"8520",
     "Date of Birth is after data collection period (must be on or before the end of the census "
     "period)",
     false, cin_rule_8520},
    {"8525", "Either Date of Birth or Expected Date of Birth must be provided (but not both)",
     false, cin_rule_8525},
    {"4180", "Sex is missing or invalid (see Sex table)", false, cin_rule_4180},
    {"4220", "Ethnicity is missing or invalid (see Ethnicity table)", false, cin_rule_4220},
    {"8540", "Child’s disability is missing or invalid (see Disability table)", false,
     cin_rule_8540},
    {"8790", "Disability information includes both None and other values", false, cin_rule_8790},
    {"8772",
     "UPN unknown reason is UN7 (Referral with no further action) but at least one CIN details is "
     "a "
     "referral going on to further action",
     false, cin_rule_8772},
    {"8770Q",
     "Please check: UPN or reason UPN missing expected for a child who is more than 5 years old",
     true, cin_rule_8770},
    {"schema", "UPN unknown reason is not one the census accepts (UN1 to UN7)", false,
     cin_rule_schema_upn_unknown},
    {"8606", "Child referral date is more than 40 weeks before DOB or expected DOB", false,
     cin_rule_8606},
    {"8555", "Child cannot be referred after its recorded date of death", false, cin_rule_8555},
    {"8866", "Source of Referral is missing or an invalid code", false, cin_rule_8866},
    {"8610", "Primary Need code is missing for a referral which led to further action", false,
     cin_rule_8610},
    {"8650", "Primary Need Code invalid (see Primary Need table in CIN census code set)", false,
     cin_rule_8650},
    {"8569",
     "A case with referral date before one working day prior to the collection start date must not "
     "be flagged as a no further action case",
     false, cin_rule_8569},
    {"8620", "CIN Closure Date present and does not fall within the Census year", false,
     cin_rule_8620},
    {"8630", "CIN Closure Date is before CIN Referral Date for the same CIN episode", false,
     cin_rule_8630},
    {"8640",
     "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)",
     false, cin_rule_8640},
    {"8805", "A CIN case cannot have a CIN closure date without a Reason for Closure", false,
     cin_rule_8805},
    {"8565", "Activity shown after a case has been closed", false, cin_rule_8565},
    {"8868",
     "CIN episode is shown as closed, however Section 47 enquiry is not shown as completed by ICPC "
     "date or ICPC not required flag",
     false, cin_rule_8868},
    {"8867", "CIN episode is shown as closed, however Assessment is not shown as completed", false,
     cin_rule_8867},
    {"2990",
     "Activity is recorded against a case marked as ‘Case closed after assessment, no further "
     "action’",
     false, cin_rule_2990},
    {"8873",
     "When there is only one assessment on the episode and the factors code “21 No factors "
     "identified” has been used for the completed assessment, the reason for closure ‘RC8’ must be "
     "used.",
     false, cin_rule_8873},
    {"8815",
     "More than one open CIN Details episode (a module with no CIN Closure Date) has been provided "
     "for this child and case is not a referral with no further action.",
     false, cin_rule_8815},
    {"8816",
     "An open CIN episode is shown and case is not a referral with no further action, but it is "
     "not "
     "the latest episode.",
     false, cin_rule_8816},
    {"8820", "The dates on the CIN episodes for this child overlap", false, cin_rule_8820},
    {"8831", "Activity is recorded against a case marked as a referral with no further action",
     false, cin_rule_8831},
    {"4000", "CIN Plan details provided for a referral with no further action", false,
     cin_rule_4000},
    {"8832", "Child Protection details provided for a referral with no further action", false,
     cin_rule_8832},
    {"1103", "The assessment start date cannot be before the referral date", false, cin_rule_1103},
    {"8608", "Assessment Start Date cannot be later than its End Date", false, cin_rule_8608},
    {"8696", "Assessment end date must fall within the census year", false, cin_rule_8696},
    {"8736",
     "For an Assessment that has not been completed, the start date must fall within the census "
     "year",
     false, cin_rule_8736},
    {"8897",
     "Parental or child factors at assessment information is missing from a completed "
     "assessment",
     false, cin_rule_8897},
    {"8898", "The assessment has more than one parental or child factors with the same code", false,
     cin_rule_8898},
    {"8869",
     "The assessment factors code “21” cannot be used in conjunction with any other assessment "
     "factors.",
     false, cin_rule_8869},
    {"8617", "Code 8A has been returned. This code is not a valid code.", false, cin_rule_8617},
    {"8896", "Within one CINDetails group there are 2 or more open Assessments groups", false,
     cin_rule_8896},
    {"8863", "An Assessment is shown as starting when there is another Assessment ongoing", false,
     cin_rule_8863},
    {"4008", "CIN Plan shown as starting after the child’s Date of Death", false, cin_rule_4008},
    {"4009", "CIN Plan cannot end after the child’s Date of Death", false, cin_rule_4009},
    {"4010", "CIN Plan start date is missing or out of data collection period", false,
     cin_rule_4010},
    {"4011", "CIN Plan End Date earlier than Start Date", false, cin_rule_4011},
    {"4013", "CIN Plan end date must fall within the census year", false, cin_rule_4013},
    {"4015", "The CIN Plan start date cannot be before the referral date", false, cin_rule_4015},
    {"4004", "This child is showing more than one open CIN Plan, i.e. with no End Date", false,
     cin_rule_4004},
    {"4014", "CIN Plan data contains overlapping dates", false, cin_rule_4014},
    {"4001", "A CIN Plan cannot run concurrently with a Child Protection Plan", false,
     cin_rule_4001},
    {"4003", "A CPP review date is shown as being held at the same time as an open CIN Plan", false,
     cin_rule_4003},
    {"4016", "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
     false, cin_rule_4016},
    {"4017", "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
     false, cin_rule_4017},
    {"1104",
     "The date of the initial child protection conference cannot be before the referral date",
     false, cin_rule_1104},
    {"8615",
     "Section 47 Enquiry Start Date must be present and cannot be later than the date of the "
     "initial Child Protection Conference",
     false, cin_rule_8615},
    {"2889", "The S47 start date cannot be before the referral date.", false, cin_rule_2889},
    {"8740",
     "For a Section 47 Enquiry that has not held the Initial Child Protection Conference by the "
     "end "
     "of the census year, the start date must fall within the census year",
     false, cin_rule_8740},
    {"8715", "Date of Initial Child Protection Conference must fall within the census year", false,
     cin_rule_8715},
    {"8875", "The Date of Initial Child Protection Conference cannot be a weekend", false,
     cin_rule_8875},
    {"8839", "Within one CINDetails group there are 2 or more open S47 Assessments", false,
     cin_rule_8839},
    {"8675Q",
     "Please check: S47 Enquiry started more than 15 working days before the end of the census "
     "year. However, there is no date of Initial Child Protection Conference.",
     true, cin_rule_8675},
    {"8905",
     "Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census "
     "code set)",
     false, cin_rule_8905},
    {"8910",
     "Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census "
     "code set)",
     false, cin_rule_8910},
    {"8730", "Total Number of previous Child Protection Plans missing", false, cin_rule_8730},
    {"8720", "Child Protection Plan Start Date missing or out of data collection period", false,
     cin_rule_8720},
    {"8915", "Child Protection Plan shown as starting after the child’s Date of Death", false,
     cin_rule_8915},
    {"8920", "Child Protection Plan cannot end after the child’s Date of Death", false,
     cin_rule_8920},
    {"8925", "Child Protection Plan End Date earlier than Start Date", false, cin_rule_8925},
    {"8930", "Child Protection Plan End Date must fall within the census year", false,
     cin_rule_8930},
    {"8840", "Child Protection Plan cannot start and end on the same day", false, cin_rule_8840},
    {"8841",
     "The review date cannot be on the same day or before the Child protection Plan start date.",
     false, cin_rule_8841},
    {"1105", "The child protection plan start date cannot be before the referral date", false,
     cin_rule_1105},
    {"8935",
     "This child is showing more than one open Child Protection plan, i.e. with no End Date", false,
     cin_rule_8935},
    {"8940", "Child Protection Plan data contains overlapping dates", false, cin_rule_8940},
};

/* 1520 compares children with each other, so it runs once over the return. */
static const struct cin_rule rule_1520 = {"1520", "More than one record with the same UPN", false,
                                          NULL};

size_t cin_rule_count(void)
{
    return sizeof rules / sizeof rules[0] + 1;
}

const struct cin_rule *cin_rule_at(size_t i)
{
    size_t n = sizeof rules / sizeof rules[0];
    return i < n ? &rules[i] : i == n ? &rule_1520 : NULL;
}

const struct cin_rule *cin_rule_find(const char *number)
{
    for (size_t i = 0; i < cin_rule_count(); i++)
        if (strcmp(cin_rule_at(i)->number, number) == 0)
            return cin_rule_at(i);
    return NULL;
}

struct upn_ref {
    const char *upn;
    const struct cin_child *child;
};

static int by_upn(const void *a, const void *b)
{
    const struct upn_ref *x = a, *y = b;
    int d = strcmp(x->upn, y->upn);
    return d ? d
             : (x->child->person_id > y->child->person_id) -
                   (x->child->person_id < y->child->person_id);
}

/* 1520 over the whole return: sort the UPNs, report each child sharing one. */
static bool check_1520(const struct cin_return *r, struct cin_failures *out)
{
    struct upn_ref *refs = malloc(sizeof *refs * (size_t)(r->nchildren ? r->nchildren : 1));
    if (!refs)
        return false;
    size_t n = 0;
    for (int i = 0; i < r->nchildren; i++)
        if (r->children[i].upn)
            refs[n++] = (struct upn_ref){r->children[i].upn, &r->children[i]};
    qsort(refs, n, sizeof *refs, by_upn);
    struct cin_check k = {r, &rule_1520, out};
    for (size_t i = 0; i < n; i++)
        if ((i > 0 && strcmp(refs[i].upn, refs[i - 1].upn) == 0) ||
            (i + 1 < n && strcmp(refs[i].upn, refs[i + 1].upn) == 0))
            cin_rules_fail(&k, refs[i].child, CIN_AT_PERSON, refs[i].child->person_id);
    free(refs);
    return true;
}

void cin_check_rule(const struct cin_return *r, const struct cin_rule *rule,
                    const struct cin_child *c, struct cin_failures *out)
{
    if (rule == &rule_1520) {
        struct cin_return one = *r;
        (void)c;
        if (!check_1520(&one, out))
            out->nomem = true;
        return;
    }
    struct cin_check k = {r, rule, out};
    rule->check(&k, c);
}

bool cin_check(const struct cin_return *r, struct cin_failures *out)
{
    size_t n = sizeof rules / sizeof rules[0];
    for (int i = 0; i < r->nchildren; i++)
        for (size_t j = 0; j < n; j++) {
            struct cin_check k = {r, &rules[j], out};
            rules[j].check(&k, &r->children[i]);
        }
    if (!check_1520(r, out))
        out->nomem = true;
    return !out->nomem;
}

void cin_failures_free(struct cin_failures *f)
{
    free(f->items);
    memset(f, 0, sizeof *f);
}

void cin_failure_path(const struct cin_failure *f, char out[32])
{
    static const char *const prefix[] = {"/people/", "/cases/", "/steps/"};
    snprintf(out, 32, "%s%lld", prefix[f->where], (long long)f->id);
}
