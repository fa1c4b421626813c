/*
 * libFuzzer target for domain/retention's rules parser (config/retention.txt):
 * any bytes either parse into rules that keep the parser's own limits, or are
 * refused with a message; nothing leaks or reads out of bounds. Each rule is
 * then used for a calculation, so what the parser lets through is usable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/retention.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    struct retention_rules rules;
    struct err e = ERR_INIT;
    if (retention_rules_parse(text, &rules, &e)) {
        if (rules.n == 0 || rules.n > RETENTION_MAX_RULES)
            abort();
        for (size_t i = 0; i < rules.n; i++)
            if (!rules.rules[i].name || rules.rules[i].years < 1 || rules.rules[i].years > 150 ||
                !rules.rules[i].domains)
                abort();
        static const char *const steps[] = {"placement"};
        struct retention_person p = {
            .dob = 15000, .last_involvement = 20000, .domains = 7, .steps = steps, .nsteps = 1};
        struct retention_result r;
        retention_compute(&rules, &p, &r);
        if (!r.scheduled && !r.why)
            abort();
        retention_rules_free(&rules);
    } else if (!e.message[0]) {
        abort();
    }
    free(text);
    return 0;
}
