/*
 * Step facts: the few answers the statutory returns read (dates, codes and
 * factors), kept beside each step in case_steps.facts as a small JSON object.
 * The census reads them from an index clustered by case (migration 0017)
 * instead of every step's whole form scattered through the database.
 *
 * Every statement that writes case_steps.answers writes facts with it, from
 * the same answers. Migration 0017 derived them for steps written before it,
 * from the same list of names.
 */
#ifndef CASEWORK_DOMAIN_STEP_FACTS_H
#define CASEWORK_DOMAIN_STEP_FACTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "store/store.h"

/* The answer names kept, in byte order; step_fact_count of them. */
extern const char *const step_fact_names[];
extern const size_t step_fact_count;

/* The facts of answers (a JSON object; NULL or anything else has none) as
 * compact JSON with sorted keys, "{}" when there are none. The caller frees it;
 * NULL only when out of memory. */
char *step_facts_of(const json_t *answers);

/* Bind the facts of answers to st's :facts. False only when out of memory. */
bool step_facts_bind(struct store_stmt *st, const json_t *answers, struct err *e);

#endif
