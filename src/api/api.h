/*
 * api: the JSON handlers under /api/v1 (see src/routes.c). Input is checked
 * against a declared schema (core/jsonv: unknown members and wrong types are
 * refused), the domain does the rest; errors go out as RFC 9457 problem+json.
 */
#ifndef CASEWORK_API_API_H
#define CASEWORK_API_API_H

#include "core/jsonv.h"
#include "http/http.h"

/* The request's JSON body checked against a schema; false with the reply sent
 * (400 when there is no body, 422 naming the field otherwise). */
bool api_body_ok(struct request *r, const struct jsonv_field *fields, size_t n);

/* Add "Location: <collection>/<id>" for a record just created (collection
 * like "/api/v1/people"). */
void api_location(struct request *r, const char *collection, int64_t id);

void api_health(struct request *r);
void api_me(struct request *r);
void api_users_list(struct request *r);
void api_users_create(struct request *r);
void api_user_get(struct request *r);
void api_user_update(struct request *r);
void api_user_reset_password(struct request *r);
void api_teams_list(struct request *r);
void api_teams_create(struct request *r);
void api_tokens_list(struct request *r);
void api_tokens_create(struct request *r);
void api_token_revoke(struct request *r);
void api_sign_out_everywhere(struct request *r);
void api_audit_list(struct request *r);
void api_audit_verify(struct request *r);

/* api_people.c */
void api_people_search(struct request *r);
void api_people_matches(struct request *r);
void api_people_create(struct request *r);
void api_person_get(struct request *r);
void api_person_update(struct request *r);
void api_person_add_address(struct request *r);
void api_person_add_name(struct request *r);
void api_person_add_contact(struct request *r);
void api_person_grant(struct request *r);

/* api_relationships.c */
void api_relationships_list(struct request *r);
void api_relationships_add(struct request *r);
void api_relationship_end(struct request *r);

/* api_merge.c */
void api_people_duplicates(struct request *r);
void api_people_merge(struct request *r);
void api_merge_get(struct request *r);
void api_merge_undo(struct request *r);

/* api_notes.c */
void api_person_notes(struct request *r);
void api_person_note_create(struct request *r);
void api_note_get(struct request *r);
void api_note_update(struct request *r);
void api_notes_search(struct request *r);
void api_person_chronology(struct request *r);

/* api_cases.c */
void api_contacts_create(struct request *r);
void api_contact_get(struct request *r);
void api_contact_decide(struct request *r);
void api_case_get(struct request *r);
void api_person_cases(struct request *r);
void api_step_get(struct request *r);
void api_step_save(struct request *r);
void api_step_complete(struct request *r);
void api_step_authorise(struct request *r);
void api_step_allocate(struct request *r);
void api_case_allocate(struct request *r);
void api_caseload_reallocate(struct request *r);
void api_tray_mine(struct request *r);
void api_team_tray(struct request *r);
void api_team_workload(struct request *r);

/* api_enquiries.c: councillors' enquiries */
void api_enquiries_list(struct request *r);
void api_enquiries_create(struct request *r);
void api_enquiry_get(struct request *r);
void api_enquiry_assign(struct request *r);
void api_enquiry_chase(struct request *r);
void api_enquiry_update_request(struct request *r);
void api_enquiry_respond(struct request *r);
void api_enquiry_reply(struct request *r);

/* api_complaints.c: comments, compliments and complaints */
void api_complaints_list(struct request *r);
void api_complaints_create(struct request *r);
void api_complaints_report(struct request *r);
void api_complaint_get(struct request *r);
void api_complaint_extend(struct request *r);
void api_complaint_complete_stage(struct request *r);
void api_complaint_escalate(struct request *r);
void api_complaint_progress(struct request *r);
void api_complaint_close(struct request *r);
void api_complaint_action_add(struct request *r);
void api_complaint_action_complete(struct request *r);
void api_complaint_lgsco_add(struct request *r);
void api_complaint_lgsco_update(struct request *r);
void api_complaint_lgsco_recommend(struct request *r);
void api_complaint_lgsco_comply(struct request *r);

/* api_governance.c: break-glass overrides and their review */
void api_person_break_glass(struct request *r);
void api_overrides_list(struct request *r);
void api_override_review(struct request *r);
void api_person_seen_by(struct request *r);
void api_user_activity(struct request *r);
/* api_governance.c: managers' access grants */
void api_access_grants_list(struct request *r);
void api_access_grant_add(struct request *r);
void api_access_grant_revoke(struct request *r);
/* api_looked_after.c: periods in which a child was looked after */
void api_looked_after_list(struct request *r);
void api_looked_after_add(struct request *r);
void api_looked_after_end(struct request *r);

/* api_retention.c: records due for destruction, batches and certificates, legal holds */
void api_retention_due(struct request *r);
void api_retention_confirm(struct request *r);
void api_retention_certificate(struct request *r);
void api_retention_holds(struct request *r);
void api_retention_hold_set(struct request *r);
void api_retention_hold_lift(struct request *r);

/* api_sar.c: subject access requests and exports */
void api_sar_create(struct request *r);
void api_sar_list(struct request *r);
void api_sar_export(struct request *r);
void api_sar_pdf(struct request *r);

/* api_rectification.c: notes attached to items of a record, never altering them */
void api_rect_add(struct request *r);
void api_rect_list(struct request *r);

#endif
