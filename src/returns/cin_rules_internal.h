/*
 * cin_rules_internal: what the rule files (cin_rules_child.c, cin_rules_plans.c)
 * share with the table in cin_rules.c: the check context, the failure recorder,
 * shorthand for dates and loops, and each rule's function. Not for use outside
 * src/returns.
 */
#ifndef CASEWORK_RETURNS_CIN_RULES_INTERNAL_H
#define CASEWORK_RETURNS_CIN_RULES_INTERNAL_H

#include "returns/cin_rules.h"

struct cin_check {
    const struct cin_return *r;
    const struct cin_rule *rule;
    struct cin_failures *out;
};

/* Record that k's rule fails for child c, to be fixed at the person, case or step id. */
void cin_rules_fail(struct cin_check *k, const struct cin_child *c, enum cin_where where,
                    int64_t id);

#define NONE CIN_NO_DATE
#define HAS(d) ((d) != CIN_NO_DATE)
#define START (k->r->year->start)
#define END (k->r->year->end)
#define YEAR (k->r->year)
#define OUTSIDE_YEAR(d) (HAS(d) && ((d) < START || (d) > END))
#define EACH_EPISODE(c)                                                                            \
    for (const struct cin_episode *ep = (c)->episodes; ep < (c)->episodes + (c)->nepisodes; ep++)
#define EACH(ep, arr, n, T) for (const T *it = (ep)->arr; it < (ep)->arr + (ep)->n; it++)

void cin_rule_1510(struct cin_check *k, const struct cin_child *c);
void cin_rule_8520(struct cin_check *k, const struct cin_child *c);
void cin_rule_8525(struct cin_check *k, const struct cin_child *c);
void cin_rule_4180(struct cin_check *k, const struct cin_child *c);
void cin_rule_4220(struct cin_check *k, const struct cin_child *c);
void cin_rule_8540(struct cin_check *k, const struct cin_child *c);
void cin_rule_8790(struct cin_check *k, const struct cin_child *c);
void cin_rule_8772(struct cin_check *k, const struct cin_child *c);
void cin_rule_8770(struct cin_check *k, const struct cin_child *c);
void cin_rule_schema_upn_unknown(struct cin_check *k, const struct cin_child *c);
void cin_rule_8606(struct cin_check *k, const struct cin_child *c);
void cin_rule_8555(struct cin_check *k, const struct cin_child *c);
void cin_rule_8866(struct cin_check *k, const struct cin_child *c);
void cin_rule_8610(struct cin_check *k, const struct cin_child *c);
void cin_rule_8650(struct cin_check *k, const struct cin_child *c);
void cin_rule_8569(struct cin_check *k, const struct cin_child *c);
void cin_rule_8620(struct cin_check *k, const struct cin_child *c);
void cin_rule_8630(struct cin_check *k, const struct cin_child *c);
void cin_rule_8640(struct cin_check *k, const struct cin_child *c);
void cin_rule_8805(struct cin_check *k, const struct cin_child *c);
void cin_rule_8565(struct cin_check *k, const struct cin_child *c);
void cin_rule_8868(struct cin_check *k, const struct cin_child *c);
void cin_rule_8867(struct cin_check *k, const struct cin_child *c);
void cin_rule_2990(struct cin_check *k, const struct cin_child *c);
void cin_rule_8873(struct cin_check *k, const struct cin_child *c);
void cin_rule_8815(struct cin_check *k, const struct cin_child *c);
void cin_rule_8816(struct cin_check *k, const struct cin_child *c);
void cin_rule_8820(struct cin_check *k, const struct cin_child *c);
void cin_rule_8831(struct cin_check *k, const struct cin_child *c);
void cin_rule_4000(struct cin_check *k, const struct cin_child *c);
void cin_rule_8832(struct cin_check *k, const struct cin_child *c);
void cin_rule_1103(struct cin_check *k, const struct cin_child *c);
void cin_rule_8608(struct cin_check *k, const struct cin_child *c);
void cin_rule_8696(struct cin_check *k, const struct cin_child *c);
void cin_rule_8736(struct cin_check *k, const struct cin_child *c);
void cin_rule_8897(struct cin_check *k, const struct cin_child *c);
void cin_rule_8898(struct cin_check *k, const struct cin_child *c);
void cin_rule_8869(struct cin_check *k, const struct cin_child *c);
void cin_rule_8617(struct cin_check *k, const struct cin_child *c);
void cin_rule_8896(struct cin_check *k, const struct cin_child *c);
void cin_rule_8863(struct cin_check *k, const struct cin_child *c);
void cin_rule_4008(struct cin_check *k, const struct cin_child *c);
void cin_rule_4009(struct cin_check *k, const struct cin_child *c);
void cin_rule_4010(struct cin_check *k, const struct cin_child *c);
void cin_rule_4011(struct cin_check *k, const struct cin_child *c);
void cin_rule_4013(struct cin_check *k, const struct cin_child *c);
void cin_rule_4015(struct cin_check *k, const struct cin_child *c);
void cin_rule_4004(struct cin_check *k, const struct cin_child *c);
void cin_rule_4014(struct cin_check *k, const struct cin_child *c);
void cin_rule_4001(struct cin_check *k, const struct cin_child *c);
void cin_rule_4003(struct cin_check *k, const struct cin_child *c);
void cin_rule_4016(struct cin_check *k, const struct cin_child *c);
void cin_rule_4017(struct cin_check *k, const struct cin_child *c);
void cin_rule_1104(struct cin_check *k, const struct cin_child *c);
void cin_rule_8615(struct cin_check *k, const struct cin_child *c);
void cin_rule_2889(struct cin_check *k, const struct cin_child *c);
void cin_rule_8740(struct cin_check *k, const struct cin_child *c);
void cin_rule_8715(struct cin_check *k, const struct cin_child *c);
void cin_rule_8875(struct cin_check *k, const struct cin_child *c);
void cin_rule_8839(struct cin_check *k, const struct cin_child *c);
void cin_rule_8675(struct cin_check *k, const struct cin_child *c);
void cin_rule_8905(struct cin_check *k, const struct cin_child *c);
void cin_rule_8910(struct cin_check *k, const struct cin_child *c);
void cin_rule_8730(struct cin_check *k, const struct cin_child *c);
void cin_rule_8720(struct cin_check *k, const struct cin_child *c);
void cin_rule_8915(struct cin_check *k, const struct cin_child *c);
void cin_rule_8920(struct cin_check *k, const struct cin_child *c);
void cin_rule_8925(struct cin_check *k, const struct cin_child *c);
void cin_rule_8930(struct cin_check *k, const struct cin_child *c);
void cin_rule_8840(struct cin_check *k, const struct cin_child *c);
void cin_rule_8841(struct cin_check *k, const struct cin_child *c);
void cin_rule_1105(struct cin_check *k, const struct cin_child *c);
void cin_rule_8935(struct cin_check *k, const struct cin_child *c);
void cin_rule_8940(struct cin_check *k, const struct cin_child *c);

#endif
