#include "domain/identifiers.h"

#include <stddef.h>
#include <string.h>

/* Locale-independent character classes: identifiers are ASCII by definition,
 * and <ctype.h> would follow the process locale and take negative chars badly. */
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static char to_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The text between leading and trailing whitespace: forms and imports often
 * carry a stray space that is not part of the identifier. */
static const char *trimmed(const char *in, size_t *len)
{
    if (!in) {
        *len = 0;
        return "";
    }
    while (is_space(*in))
        in++;
    size_t n = strlen(in);
    while (n > 0 && is_space(in[n - 1]))
        n--;
    *len = n;
    return in;
}

static void put_digits(char *dst, unsigned value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        dst[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

/* ---- NHS number ---------------------------------------------------------- */

/* NHS Data Dictionary: weight the first nine digits 10..2, take the sum modulo
 * 11 from 11; 11 becomes 0, and 10 means the number cannot be valid. */
static int nhs_check_digit(const char *d)
{
    int sum = 0;
    for (int i = 0; i < 9; i++)
        sum += (d[i] - '0') * (10 - i);
    int check = 11 - sum % 11;
    return check == 11 ? 0 : check;
}

static bool nhs_fail(char *out, struct err *e, const char *msg)
{
    if (out)
        out[0] = '\0';
    return err_set(e, ERR_INVALID, "nhs_number", "%s", msg);
}

bool id_nhs_number(const char *in, char out[11], struct err *e)
{
    size_t n;
    const char *p = trimmed(in, &n);
    char d[11];
    size_t digits = 0;
    bool other = false;
    for (size_t i = 0; i < n; i++) {
        if (is_digit(p[i])) {
            if (digits < 10)
                d[digits] = p[i];
            digits++;
        } else if (p[i] != ' ' && p[i] != '-') {
            other = true;
        }
    }
    if (other)
        return nhs_fail(
            out, e, "NHS number must be 10 digits (only digits, spaces and hyphens are allowed)");
    if (digits != 10)
        return nhs_fail(out, e, "NHS number must be 10 digits");
    /* Separators only where the 3-3-4 grouping puts them, both the same, so a
     * stray or doubled separator is caught rather than silently dropped. */
    bool grouped = n == 12 && (p[3] == ' ' || p[3] == '-') && p[7] == p[3];
    if (n != 10 && !grouped)
        return nhs_fail(out, e,
                        "NHS number must be 10 digits, written together or grouped 3 3 4 "
                        "(for example 943 476 5919)");
    d[10] = '\0';

    int check = nhs_check_digit(d);
    if (check == 10)
        return nhs_fail(out, e,
                        "NHS number is not valid: its first nine digits give a check digit of 10, "
                        "and a check digit of 10 is never issued");
    if (check != d[9] - '0')
        return nhs_fail(out, e,
                        "NHS number check digit is wrong (modulus 11): check for a mistyped or "
                        "swapped digit");
    if (out)
        memcpy(out, d, 11);
    return true;
}

/* ---- Unique Pupil Number ------------------------------------------------- */

/* DfE check-letter table: 0 = A ... 22 = Z, skipping I, O and S. The same table
 * gives the value of a temporary UPN's final letter. */
static const char UPN_LETTERS[] = "ABCDEFGHJKLMNPQRTUVWXYZ";

static int upn_letter_value(char c)
{
    const char *at = c ? strchr(UPN_LETTERS, c) : NULL;
    return at ? (int)(at - UPN_LETTERS) : -1;
}

/* Characters 2-13 weighted 2..13, summed, modulo 23, through the table. */
static char upn_check_letter(const char *rest)
{
    int sum = 0;
    for (int i = 0; i < 12; i++) {
        int v = is_digit(rest[i]) ? rest[i] - '0' : upn_letter_value(rest[i]);
        sum += v * (i + 2);
    }
    return UPN_LETTERS[sum % 23];
}

static bool upn_fail(char *out, struct err *e, const char *msg)
{
    if (out)
        out[0] = '\0';
    return err_set(e, ERR_INVALID, "upn", "%s", msg);
}

bool id_upn(const char *in, char out[14], struct err *e)
{
    size_t n;
    const char *p = trimmed(in, &n);
    if (n != 13)
        return upn_fail(out, e, "UPN must be 13 characters: a check letter and 12 digits");
    char u[14];
    for (int i = 0; i < 13; i++)
        u[i] = to_upper(p[i]);
    u[13] = '\0';

    if (!is_upper(u[0]))
        return upn_fail(out, e, "UPN character 1 must be a letter (the check letter)");
    for (int i = 1; i < 12; i++)
        if (!is_digit(u[i]))
            return upn_fail(out, e, "UPN characters 2 to 12 must be digits");
    /* A digit for a permanent UPN; a temporary UPN's letter may not be I, O or S. */
    if (!is_digit(u[12]) && upn_letter_value(u[12]) < 0)
        return upn_fail(out, e,
                        "UPN character 13 must be a digit, or for a temporary UPN a letter other "
                        "than I, O or S");
    /* Never say which letter was expected: a mistyped digit would then be
     * "fixed" by changing the check letter, defeating the check. */
    if (upn_check_letter(u + 1) != u[0])
        return upn_fail(out, e,
                        "UPN check letter is wrong: character 1 does not match characters 2 to 13 "
                        "(modulus 23)");
    if (out)
        memcpy(out, u, 14);
    return true;
}

/* ---- Postcode ------------------------------------------------------------ */

static bool postcode_fail(char *out, struct err *e, const char *msg)
{
    if (out)
        out[0] = '\0';
    return err_set(e, ERR_INVALID, "postcode", "%s", msg);
}

/* Outward code shapes A9, A99, AA9, AA99, A9A, AA9A with Royal Mail's letter
 * restrictions by position. Returns NULL if valid, else the rule broken. */
static const char *outward_rule(const char *o, size_t n)
{
    static const char shape[] = "Postcode must start with one or two letters, then a digit, then "
                                "an optional digit or letter (for example M1, B33, CR2, DN55, "
                                "W1A or SW1A)";
    if (n < 2 || n > 4 || !is_upper(o[0]))
        return shape;
    bool two_letters = is_upper(o[1]);
    size_t at = two_letters ? 2 : 1; /* the district's first digit */
    if (at >= n || !is_digit(o[at]))
        return shape;
    if (at + 2 < n)
        return shape;
    if (strchr("QVX", o[0]))
        return "Postcode cannot start with Q, V or X";
    if (two_letters && strchr("IJZ", o[1]))
        return "Postcode's second letter cannot be I, J or Z";
    if (at + 1 < n && is_upper(o[at + 1])) {
        if (!two_letters && !strchr("ABCDEFGHJKPSTUW", o[at + 1]))
            return "Postcode's third character, after a letter and a digit, can only be a digit "
                   "or one of A B C D E F G H J K P S T U W";
        if (two_letters && !strchr("ABEHMNPRVWXY", o[at + 1]))
            return "Postcode's fourth character, after two letters and a digit, can only be a "
                   "digit or one of A B E H M N P R V W X Y";
    }
    return NULL;
}

bool id_postcode(const char *in, char out[9], struct err *e)
{
    size_t n;
    const char *p = trimmed(in, &n);
    char s[8];
    size_t len = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        char c = to_upper(p[i]);
        if (c == ' ')
            continue;
        if (!is_upper(c) && !is_digit(c))
            return postcode_fail(out, e, "Postcode can only contain letters, digits and spaces");
        if (len < 7)
            s[len++] = c;
        total++;
    }
    if (total < 5 || total > 7)
        return postcode_fail(out, e,
                             "Postcode must be 5 to 7 letters and digits (for example SW1A 1AA)");
    s[len] = '\0';

    const char *inward = s + len - 3;
    size_t outward_len = len - 3;
    /* GIR 0AA (Girobank) predates the rules and is still in use. */
    if (strcmp(s, "GIR0AA") != 0) {
        if (!is_digit(inward[0]) || !is_upper(inward[1]) || !is_upper(inward[2]))
            return postcode_fail(out, e,
                                 "Postcode must end with a digit and two letters (for example "
                                 "1AA)");
        if (strchr("CIKMOV", inward[1]) || strchr("CIKMOV", inward[2]))
            return postcode_fail(out, e,
                                 "Postcode's last two letters cannot be C, I, K, M, O or V");
        const char *rule = outward_rule(s, outward_len);
        if (rule)
            return postcode_fail(out, e, rule);
    }
    if (out) {
        memcpy(out, s, outward_len);
        out[outward_len] = ' ';
        memcpy(out + outward_len + 1, inward, 3);
        out[outward_len + 4] = '\0';
    }
    return true;
}

/* ---- UPRN ---------------------------------------------------------------- */

static bool uprn_fail(char *out, struct err *e, const char *msg)
{
    if (out)
        out[0] = '\0';
    return err_set(e, ERR_INVALID, "uprn", "%s", msg);
}

bool id_uprn(const char *in, char out[13], struct err *e)
{
    size_t n;
    const char *p = trimmed(in, &n);
    if (n < 1 || n > 12)
        return uprn_fail(out, e, "UPRN must be 1 to 12 digits");
    for (size_t i = 0; i < n; i++)
        if (!is_digit(p[i]))
            return uprn_fail(out, e, "UPRN must be 1 to 12 digits");
    /* Leading zeros do not change the number (AddressBase holds it as an
     * integer), so "0012345" and "12345" are the same property. */
    while (n > 1 && p[0] == '0') {
        p++;
        n--;
    }
    if (p[0] == '0')
        return uprn_fail(out, e, "UPRN cannot be 0");
    if (out) {
        memcpy(out, p, n);
        out[n] = '\0';
    }
    return true;
}

/* ---- Synthetic identifiers ----------------------------------------------- */

void id_make_nhs(uint32_t seq, char out[11])
{
    /* seq picks a run of ten numbers sharing the first nine digits (999 and a
     * 5-digit block) and one of its first nine valid members. With weight 2 on
     * the ninth digit, its ten values give ten different remainders, so at
     * most one member has check digit 10 and every run has nine to use. */
    uint32_t s = seq % ID_SYNTHETIC_NHS_COUNT;
    uint32_t block = s / 9, pick = s % 9, seen = 0;
    char d[11] = "999";
    put_digits(d + 3, block, 5);
    for (int ninth = 0; ninth < 10; ninth++) {
        d[8] = (char)('0' + ninth);
        int check = nhs_check_digit(d);
        if (check == 10)
            continue;
        if (seen++ == pick) {
            d[9] = (char)('0' + check);
            break;
        }
    }
    d[10] = '\0';
    memcpy(out, d, 11);
}

static unsigned reduce(int value, int modulus)
{
    return (unsigned)(((value % modulus) + modulus) % modulus);
}

void id_make_upn(int la_code, int establishment, int year2, int serial, char out[14])
{
    char u[14];
    put_digits(u + 1, reduce(la_code, 1000), 3);
    put_digits(u + 4, reduce(establishment, 10000), 4);
    put_digits(u + 8, reduce(year2, 100), 2);
    put_digits(u + 10, reduce(serial, 1000), 3);
    u[0] = upn_check_letter(u + 1);
    u[13] = '\0';
    memcpy(out, u, 14);
}
