/*
 * phonetic: the string-level half of person matching: name normalisation, a
 * phonetic key for one name token, Jaro-Winkler similarity, optimal string
 * alignment distance, and how alike two name tokens are. The functions carry the match_ prefix
 * because they are part of the matching API; domain/matching.h includes this header, so callers
 * include that one.
 *
 * Ownership: text is appended to a caller-owned struct buf or written to a
 * caller-owned array of stated size; nothing is kept. Thread-safety: pure
 * functions with no global state, safe from any number of threads.
 *
 * Phonetic algorithm: Lawrence Philips' Metaphone (Computer Language, Dec 1990),
 * rules as listed below, with these deliberate deviations for names heard in
 * England (each makes a common pair of spellings agree):
 *   1. Any initial vowel is coded 'A' (as Double Metaphone does): Ibrahim/Ebrahim.
 *   2. TH is coded 'T', not '0': South Asian transliteration writes an aspirated
 *      t as "th" (Preethi/Preeti, Sunitha/Sunita), and Thomas/Tomasz, Thompson.
 *   3. H after any consonant is silent (Philips: only after C, G, P, S, T), so
 *      Khan/Kan, Bhavna/Bavna, Dhillon/Dillon agree.
 *   4. P between M and S is silent: Thompson/Thomson, Simpson/Simson.
 *   5. CH before a consonant is 'K' (Christopher/Kristopher, Chloe/Khloe).
 *   6. Initial SEAN/SEAM is coded with 'X' (Irish Sean, Seamus said "sh"), so
 *      Sean/Shaun/Shawn agree.
 *   7. G is silent only in a final GN or GNED (Philips' wording), and the key is
 *      not cut to 4 characters (up to MATCH_PHONETIC_MAX - 1).
 * Rules kept from Metaphone: adjacent duplicate letters count once (except C);
 * initial KN GN PN AE WR drop the first letter, WH becomes W, X becomes S; final MB
 * drops B; C is X in CIA and CH, S in CI CE CY, silent in SCI SCE SCY, K in SCH and
 * otherwise; D is J in DGE DGI DGY, else T; GH is silent at the end or before a
 * consonant; G is J before E I Y, else K; H is dropped after a vowel when no vowel
 * follows (and, by rule 3, after any consonant); CK is K; PH is F; Q is K; S is X
 * in SH SIO SIA; T is X in TIA TIO and silent in TCH; V is F; W and Y are kept
 * only before a vowel; X is KS; Z is S; other vowels are dropped. Letters outside A-Z (digits,
 * kept non-Latin UTF-8) are ignored. A one-letter token is its own key.
 * Known collisions: vowels after the first letter are dropped, so short names
 * like John/Joan/Jane/June all give "JN", and Zoe/Sue give "S";
 * match_token_likeness only counts a phonetic match when the spellings are also
 * alike (Jaro-Winkler at least 0.75), which keeps John/Jane apart but not
 * Jon/Jan or Tom/Tim (twins!): a reviewer sees "sounds alike" in the reasons.
 */
#ifndef CASEWORK_DOMAIN_PHONETIC_H
#define CASEWORK_DOMAIN_PHONETIC_H

#include <stddef.h>

#include "core/buf.h"

/* Longest token compared by the distance functions; longer input is cut here. */
#define MATCH_TOKEN_MAX 64
/* Size of an array that holds any phonetic key, NUL included. */
#define MATCH_PHONETIC_MAX 16

/* Append to out the name text in (UTF-8) as lowercase tokens separated by single
 * spaces: common Latin diacritics are folded to ASCII (é→e, ß→ss, æ→ae, ł→l...),
 * apostrophes are dropped (O'Brien → obrien), hyphens, spaces and other
 * punctuation separate tokens; other letters (Greek and Cyrillic lowercased)
 * are kept as UTF-8 and malformed bytes are dropped. NULL in appends nothing.
 * An allocation failure shows as buf_failed(out). */
void match_normalise(const char *in, struct buf *out);

/* Write the phonetic key (uppercase, see above) of one normalised token to out,
 * cut to outsize - 1 bytes; "" when the token has no A-Z letters or is NULL. */
void match_phonetic(const char *token, char *out, size_t outsize);

/* Jaro-Winkler similarity in 0..1 of the bytes of a and b (prefix scale 0.1,
 * longest prefix 4, boost applied at every level). Both empty gives 1, one empty
 * gives 0; NULL counts as empty; at most MATCH_TOKEN_MAX bytes of each are used. */
double match_jaro_winkler(const char *a, const char *b);

/* Optimal string alignment distance (Levenshtein plus transposition of adjacent
 * bytes, no substring edited twice) between a and b, each cut to MATCH_TOKEN_MAX
 * bytes; NULL counts as empty. */
int match_edit_distance(const char *a, const char *b);

/* How two name tokens are alike, weakest first. */
enum match_likeness {
    MATCH_LIKE_NONE,
    MATCH_LIKE_INITIAL,    /* "j" against "john" */
    MATCH_LIKE_PREFIX,     /* "alex" against "alexander" (3+ letters) */
    MATCH_LIKE_SIMILAR,    /* Jaro-Winkler >= 0.92 (4+ letters) */
    MATCH_LIKE_PHONETIC,   /* same phonetic key and Jaro-Winkler >= 0.75 */
    MATCH_LIKE_TYPO,       /* one edit (4+ letters) or two edits (7+ letters) */
    MATCH_LIKE_TRANSPOSED, /* two adjacent letters swapped (4+ letters) */
    MATCH_LIKE_EXACT,
};

/* Similarity in 0..1 of two normalised name tokens, and its kind (kind may be
 * NULL): exact 1.0; transposed or one edit 0.85; two edits 0.75; phonetic 0.7;
 * similar or prefix 0.6; initial 0.5; otherwise 0. The first rule that applies
 * wins. NULL counts as empty; empty tokens are alike to nothing. */
double match_token_likeness(const char *a, const char *b, enum match_likeness *kind);

#endif
