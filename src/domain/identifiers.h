/*
 * identifiers: validation and normalisation of the identifiers a person record
 * carries (NHS number, Unique Pupil Number, postcode, UPRN), and generators of
 * synthetic but valid NHS numbers and UPNs for test and benchmark data.
 *
 * Each validator takes text as typed (surrounding whitespace ignored, case and
 * the usual separators tolerated), writes the normalised form to a caller-owned
 * array of the stated size and returns true; on failure it returns false, sets
 * out to "" and fills e with ERR_INVALID, the field name ("nhs_number", "upn",
 * "postcode", "uprn") and a message naming the rule that failed. out may be
 * NULL to validate only. Pure functions: no allocation, no global state, so
 * thread-safe.
 *
 * Rules, from the published standards:
 * - NHS number: 10 digits; the 10th is a modulus 11 check digit over the first
 *   nine weighted 10..2 (NHS Data Dictionary, "NHS NUMBER").
 * - UPN: 13 characters; character 1 is a check letter, the sum of characters
 *   2-13 weighted 2..13 modulo 23 mapped to A-Z without I, O and S; a temporary
 *   UPN ends in a letter (not I, O or S) which counts by the same table (DfE
 *   "Unique pupil numbers (UPNs)" guidance, CIN census rule 1510).
 * - Postcode: outward code A9, A99, AA9, AA99, A9A or AA9A, then inward 9AA,
 *   with Royal Mail's letter restrictions by position; GIR 0AA is accepted.
 * - UPRN: the OS AddressBase Unique Property Reference Number, 1-12 digits.
 */
#ifndef CASEWORK_DOMAIN_IDENTIFIERS_H
#define CASEWORK_DOMAIN_IDENTIFIERS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

/*
 * The 3-digit local authority number casework puts in synthetic UPNs: 999.
 * It is in no DfE list of local authority numbers (England uses 201-213,
 * 301-394, 420 and 800-941, Wales 660-681) and is not one of the "pseudo LA"
 * codes (001-005, 701-708) that CIN census rule 1530 accepts, so a synthetic
 * UPN can never be the UPN of a real child, and a return built from synthetic
 * data is rejected by the DfE (rule 1530) rather than mistaken for a real one.
 * id_upn checks only the form and check letter, so it accepts these UPNs.
 */
#define ID_SYNTHETIC_UPN_LA 999

/* Synthetic NHS numbers: NHS England's test range 999 000 0000 - 999 999 9999,
 * guaranteed never to be issued to a patient. */
#define ID_SYNTHETIC_NHS_FIRST 9990000000LL
#define ID_SYNTHETIC_NHS_LAST 9999999999LL
/* id_make_nhs gives a different number for each seq below this; above, it repeats. */
#define ID_SYNTHETIC_NHS_COUNT 900000u

/* NHS number: 10 digits, either together or grouped 3-3-4 by single spaces or
 * single hyphens ("943 476 5919", "943-476-5919"); out is the 10 digits. */
bool id_nhs_number(const char *in, char out[11], struct err *e);

/* UPN, permanent (check letter + 12 digits) or temporary (check letter + 11
 * digits + letter); out is the 13 characters upper-cased. */
bool id_upn(const char *in, char out[14], struct err *e);

/* UK postcode, any case, with or without spaces; out is "AA9A 9AA" form: the
 * outward code, one space, the inward code. */
bool id_postcode(const char *in, char out[9], struct err *e);

/* UPRN: 1-12 digits, not zero; out drops leading zeros. */
bool id_uprn(const char *in, char out[13], struct err *e);

/* A valid NHS number in the 999 test range for sequence number seq (never a real
 * person). Deterministic; distinct for seq < ID_SYNTHETIC_NHS_COUNT: nine of the
 * ten numbers in each run sharing the first nine digits are used, skipping the
 * one whose check digit would be 10. */
void id_make_nhs(uint32_t seq, char out[11]);

/* A valid permanent UPN from its parts, each reduced to its width (LA 3 digits,
 * establishment 4, year 2, serial 3). Pass ID_SYNTHETIC_UPN_LA as la_code for
 * test data. */
void id_make_upn(int la_code, int establishment, int year2, int serial, char out[14]);

#endif
