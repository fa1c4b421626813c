/*
 * Step facts: the subset of a step's answers that returns read.
 */
#include "domain/step_facts.h"

#include <stdlib.h>

/* Keep in step with migration 0017's list (test_step_facts checks it). */
const char *const step_fact_names[] = {
    "closed_on",        /* closure: the census closure date */
    "factors",          /* assessment: factors identified */
    "held_on",          /* conferences, reviews: the date held */
    "initial_category", /* icpc (v3), cp_plan: category of abuse */
    "latest_category",  /* review_conference */
    "previous_plans",   /* icpc (v3), cp_plan */
    "primary_need",     /* referral, assessment */
    "start_date",       /* cin_plan */
    "started_on",       /* assessment, section47 */
    "upn_unknown",      /* referral (v2, v3) */
};
const size_t step_fact_count = sizeof step_fact_names / sizeof step_fact_names[0];

char *step_facts_of(const json_t *answers)
{
    json_t *facts = json_object();
    if (!facts)
        return NULL;
    for (size_t i = 0; json_is_object(answers) && i < step_fact_count; i++) {
        json_t *v = json_object_get(answers, step_fact_names[i]);
        if (v && json_object_set(facts, step_fact_names[i], v) != 0) {
            json_decref(facts);
            return NULL;
        }
    }
    char *text = json_dumps(facts, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(facts);
    return text;
}

bool step_facts_bind(struct store_stmt *st, const json_t *answers, struct err *e)
{
    bool any = false; /* most steps have none: no object to build then */
    for (size_t i = 0; !any && json_is_object(answers) && i < step_fact_count; i++)
        any = json_object_get(answers, step_fact_names[i]) != NULL;
    if (!any) {
        store_bind_text(st, ":facts", "{}");
        return true;
    }
    char *facts = step_facts_of(answers);
    if (!facts)
        return err_set(e, ERR_NOMEM, "", "out of memory");
    store_bind_text(st, ":facts", facts);
    free(facts);
    return true;
}
