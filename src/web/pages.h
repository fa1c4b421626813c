/*
 * pages: the HTML handlers, one function per route (see src/routes.c).
 * Each follows the same short shape: read input, call the domain (which
 * checks access and audits), render through web/page, reply.
 */
#ifndef CASEWORK_WEB_PAGES_H
#define CASEWORK_WEB_PAGES_H

#include "http/http.h"

/* pages_auth.c: sign-in, sign-out, home, the user's own account and tokens */
void page_sign_in_form(struct request *r);
void page_sign_in(struct request *r);
void page_sign_out(struct request *r);
void page_home(struct request *r);
void page_account(struct request *r);
void page_account_token_create(struct request *r);
void page_account_token_revoke(struct request *r);
void page_account_sign_out_everywhere(struct request *r);

/* pages_admin.c: users, teams and the audit log */
void page_admin_users(struct request *r);
void page_admin_user_create(struct request *r);
void page_admin_user(struct request *r);
void page_admin_user_update(struct request *r);
void page_admin_user_disable(struct request *r);
void page_admin_user_reset(struct request *r);
void page_admin_teams(struct request *r);
void page_admin_team_create(struct request *r);
void page_admin_audit(struct request *r);

/* pages_people.c: find, add, view and change person records */
void page_people_search(struct request *r);
void page_person_new(struct request *r);
void page_person_create(struct request *r);
void page_person(struct request *r);
void page_person_edit(struct request *r);
void page_person_update(struct request *r);
void page_person_add_address(struct request *r);
void page_person_add_name(struct request *r);
void page_person_add_contact(struct request *r);

/* pages_network.c: relationships, the eco-map and its accessible table */
void page_person_network(struct request *r);
void page_person_add_relationship(struct request *r);
void page_relationship_end(struct request *r);

/* pages_merge.c: probable duplicates, merging two records, undoing a merge */
void page_people_duplicates(struct request *r);
void page_merge_confirm(struct request *r);
void page_merge(struct request *r);
void page_merge_view(struct request *r);
void page_merge_undo(struct request *r);

/* pages_notes.c: case notes (list and add, view with versions and edit, search) */
void page_person_notes(struct request *r);
void page_person_note_create(struct request *r);
void page_person_note(struct request *r);
void page_person_note_update(struct request *r);
void page_notes_search(struct request *r);

/* pages_chronology.c: a person's chronology (filterable, printable) */
void page_person_chronology(struct request *r);

/* pages_cases.c: my tray of tasks, a case with its steps (read-only) */
void page_tray(struct request *r);
void page_case(struct request *r);
void page_case_allocate(struct request *r);
void page_team_workload(struct request *r);
void page_team_tray(struct request *r);
/* pages_allocation.c: a manager moves a worker's whole caseload */
void page_caseload(struct request *r);
void page_caseload_reallocate(struct request *r);
/* pages_contacts.c: the front door's contact form */
void page_contact_new(struct request *r);
void page_contact_create(struct request *r);
void page_contact(struct request *r);
/* pages_steps.c: a step's form (save, complete) and a manager's authorisation */
void page_step(struct request *r);
void page_step_post(struct request *r);
void page_step_authorise(struct request *r);
/* pages_enquiries.c, pages_enquiry.c: councillors' enquiries */
void page_enquiries(struct request *r);
void page_enquiries_export(struct request *r);
void page_enquiries_coordinate(struct request *r);
void page_enquiry_new(struct request *r);
void page_enquiry_create(struct request *r);
void page_enquiry_document(struct request *r);
void page_enquiry(struct request *r);
void page_enquiry_assign(struct request *r);
void page_enquiry_chase(struct request *r);
void page_enquiry_update_request(struct request *r);
void page_enquiry_respond(struct request *r);
void page_enquiry_reply(struct request *r);
/* pages_complaints.c, pages_complaint.c: comments, compliments and complaints */
void page_complaints(struct request *r);
void page_complaint_new(struct request *r);
void page_complaint_create(struct request *r);
void page_complaint(struct request *r);
void page_complaint_post(struct request *r);
void page_complaints_report(struct request *r);

/* pages_returns.c: statutory returns (the CIN census) and their data quality */
void page_returns(struct request *r);
void page_returns_cin_xml(struct request *r);
void page_returns_cin_quality(struct request *r);
void page_step_allocate(struct request *r);

/* pages_governance.c: the break-glass form, overrides for a manager to review */
void page_break_glass_form(struct request *r);
void page_break_glass(struct request *r);
void page_overrides(struct request *r);
void page_override_review(struct request *r);

/* pages_access_log.c: who has seen a record, what a user looked at (CSV too) */
void page_person_seen_by(struct request *r);
void page_user_activity(struct request *r);

/* pages_retention.c: destruction review, confirming a batch, certificate, legal holds */
void page_retention(struct request *r);
void page_retention_confirm(struct request *r);
void page_retention_certificate(struct request *r);
void page_retention_hold(struct request *r);
void page_retention_hold_lift(struct request *r);
/* pages_sar.c: subject access requests, recording one, JSON and PDF downloads */
void page_sar_list(struct request *r);
void page_sar_create(struct request *r);
/* pages_access_grants.c: who may open a record by a manager's grant; granting, revoking */
void page_person_access(struct request *r);
void page_person_access_grant(struct request *r);
void page_person_access_revoke(struct request *r);
/* pages_rectification.c: adding a rectification note to an item (shown beside it) */
void page_rect_form(struct request *r);
void page_rect_add(struct request *r);
/* pages_looked_after.c: a child's looked-after periods (legal status), recording one */
void page_looked_after(struct request *r);
void page_looked_after_add(struct request *r);
void page_looked_after_end(struct request *r);

#endif
