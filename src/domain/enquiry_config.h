/*
 * enquiry_config: the data behind councillors' enquiries and complaints,
 * loaded from config/enquiries/ at start (docs/ENQUIRIES.md):
 *   service-areas.txt         code, directorate, label
 *   service-levels.txt        service area, enquiry type (either may be *),
 *                             timescale: the reply deadline's service level
 *   complaint-timescales.txt  procedure, stage, timescale (or "agreed"),
 *                             limit an extension may reach (or -), basis
 * and the deadline rules on top of core/calendar: when an enquiry's reply
 * is due, when a complaint stage is due, whether an extension is allowed,
 * and when a stage 2 progress report is missed.
 *
 * Ownership: enquiry_config_load returns a config the caller frees with
 * enquiry_config_free; pointers into it live as long as it does. Immutable
 * once loaded, so any number of threads may read it.
 */
#ifndef CASEWORK_DOMAIN_ENQUIRY_CONFIG_H
#define CASEWORK_DOMAIN_ENQUIRY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/err.h"

struct enquiry_area {
    const char *code, *directorate, *label;
};

struct enquiry_sla {
    const char *area, *type; /* "*" for any */
    const char *text;        /* as written, "10 working days" */
    struct timescale within;
};

struct complaint_timescale {
    const char *procedure; /* children | adults | corporate */
    int stage;             /* 1.. */
    bool agreed;           /* the timescale is agreed with the complainant (adults) */
    const char *within_text;
    struct timescale within; /* unused when agreed */
    bool has_limit;          /* an extension (or an agreed timescale) may reach limit */
    const char *limit_text;
    struct timescale limit;
    const char *basis;
};

/* Progress reports on a stage 2 investigation are due this often (every two
 * weeks, "Getting the Best from Complaints" 2006). */
#define COMPLAINT_PROGRESS_INTERVAL_DAYS 14

struct enquiry_config;

/* Load the three files from dir (config_dir/enquiries). NULL on failure with
 * e naming the file, the line and the rule (ERR_INVALID), or ERR_IO/ERR_NOMEM. */
struct enquiry_config *enquiry_config_load(const char *dir, struct err *e);
void enquiry_config_free(struct enquiry_config *c);

size_t enquiry_config_area_count(const struct enquiry_config *c);
const struct enquiry_area *enquiry_config_area_at(const struct enquiry_config *c, size_t i);
/* The service area with this code, or NULL. */
const struct enquiry_area *enquiry_config_area(const struct enquiry_config *c, const char *code);

/* The service level for an area and an enquiry type: the most specific line
 * (area and type, area and *, * and type, * and *). Never NULL for a loaded
 * config (loading requires the "* *" line). */
const struct enquiry_sla *enquiry_config_sla(const struct enquiry_config *c, const char *area,
                                             const char *type);

/* The timescale of a procedure's stage, or NULL if the procedure has no such
 * stage. */
const struct complaint_timescale *enquiry_config_stage(const struct enquiry_config *c,
                                                       const char *procedure, int stage);
/* How many stages a procedure has (0 for an unknown procedure). */
int enquiry_config_stage_count(const struct enquiry_config *c, const char *procedure);

/* When a reply to an enquiry received at received_at is due under sla. */
int64_t enquiry_reply_due(const struct calendar *cal, const struct enquiry_sla *sla,
                          int64_t received_at);

/* When a stage started at started_at is due: its timescale, or for an agreed
 * one the timescale agreed (agreed may be NULL otherwise). False with
 * ERR_INVALID (field "agreed_timescale") if an agreed timescale is missing,
 * unreadable or past the stage's limit. */
bool complaint_stage_due(const struct calendar *cal, const struct complaint_timescale *t,
                         int64_t started_at, const char *agreed, int64_t *due_out, struct err *e);

/* Check an extension of a stage started at started_at, currently due at
 * due_at, to new_due_day (a London day): it must be later than the current
 * due day and no later than the stage's limit (ERR_INVALID naming "due_on"
 * otherwise, or ERR_CONFLICT when the stage has no extension). On success
 * *new_due_out is the end of that London day. */
bool complaint_extension_check(const struct calendar *cal, const struct complaint_timescale *t,
                               int64_t started_at, int64_t due_at, int64_t new_due_day,
                               int64_t *new_due_out, struct err *e);

/* When the next progress report on a stage 2 investigation is due: at the
 * end of the London day COMPLAINT_PROGRESS_INTERVAL_DAYS calendar days after
 * the latest report (last_report_at), or after the start when there is none
 * (last_report_at 0). A report is missed once calendar_is_overdue says so. */
int64_t complaint_progress_due(int64_t started_at, int64_t last_report_at);

#endif
