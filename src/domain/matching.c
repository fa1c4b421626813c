#include "domain/matching.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

/* Weights; the header comment explains them and must change with them. */
#define WEIGHT_NAMES 60.0
#define WEIGHT_DOB 30.0
#define BONUS_POSTCODE 5.0
#define PENALTY_SEX 8.0
#define PENALTY_NHS_DIFFERS 50.0
#define PENALTY_UPN_DIFFERS 25.0
#define SCORE_ID_FLOOR 95.0
#define SCORE_ID_NAMES_UNLIKE 70.0
#define DOB_NOT_RECORDED 0.4
#define CROSSED_FIELDS 0.95
#define EXTRA_TOKEN 0.02
#define EXTRA_TOKENS_MAX 0.06

#define QUERY_WORDS_MAX 32

/* ---- names -------------------------------------------------------------- */

struct name_token {
    const char *text;
    size_t len;
    bool surname;
};

struct names {
    struct buf text; /* normalised tokens, each NUL-terminated in place */
    size_t n;
    struct name_token tok[MATCH_NAME_TOKENS_MAX];
};

/* Normalise p's forenames and surname into tokens. On allocation failure the
 * person has no name tokens, which can only lower a score, never invent a match. */
static void names_load(struct names *nm, const struct match_person *p)
{
    buf_init(&nm->text, 0);
    nm->n = 0;
    if (!p)
        return;
    match_normalise(p->forenames, &nm->text);
    size_t forenames_end = nm->text.len;
    buf_putc(&nm->text, '\0');
    match_normalise(p->surname, &nm->text);
    if (buf_failed(&nm->text))
        return;
    char *d = nm->text.data;
    size_t len = nm->text.len;
    for (size_t i = 0; i < len && nm->n < MATCH_NAME_TOKENS_MAX; i++) {
        if (d[i] == ' ' || d[i] == '\0')
            continue;
        size_t start = i;
        while (i < len && d[i] != ' ' && d[i] != '\0')
            i++;
        d[i] = '\0';
        struct name_token *t = &nm->tok[nm->n++];
        t->text = d + start;
        t->len = i - start;
        t->surname = start > forenames_end;
    }
}

static void names_release(struct names *nm)
{
    buf_release(&nm->text);
}

struct name_result {
    double similarity; /* 0..1 */
    size_t paired;
    bool crossed;                 /* a pair joined a forename to a surname */
    enum match_likeness worst[2]; /* per candidate field: [0] forenames, [1] surname */
    bool differs[2];              /* a candidate token of that field stayed unpaired
                                     while the query also had one unpaired */
    bool extra;                   /* one side has names the other lacks */
};

static struct name_result compare_names(const struct names *q, const struct names *c)
{
    struct name_result r = {0.0,  0, false, {MATCH_LIKE_EXACT, MATCH_LIKE_EXACT}, {false, false},
                            false};
    double sim[MATCH_NAME_TOKENS_MAX][MATCH_NAME_TOKENS_MAX] = {{0.0}};
    enum match_likeness kind[MATCH_NAME_TOKENS_MAX][MATCH_NAME_TOKENS_MAX] = {{MATCH_LIKE_NONE}};
    bool q_used[MATCH_NAME_TOKENS_MAX] = {false}, c_used[MATCH_NAME_TOKENS_MAX] = {false};
    for (size_t i = 0; i < q->n; i++) {
        for (size_t j = 0; j < c->n; j++) {
            sim[i][j] = match_token_likeness(q->tok[i].text, c->tok[j].text, &kind[i][j]);
            if (q->tok[i].surname != c->tok[j].surname)
                sim[i][j] *= CROSSED_FIELDS;
        }
    }
    /* Greedy pairing, best pair first; ties go to the earlier token, so the
     * result never depends on anything but the input. */
    double sum = 0.0;
    for (;;) {
        size_t bi = 0, bj = 0;
        double best = 0.0;
        for (size_t i = 0; i < q->n; i++)
            for (size_t j = 0; j < c->n; j++)
                if (!q_used[i] && !c_used[j] && sim[i][j] > best)
                    best = sim[i][j], bi = i, bj = j;
        if (best <= 0.0)
            break;
        q_used[bi] = c_used[bj] = true;
        sum += best;
        r.paired++;
        int field = c->tok[bj].surname ? 1 : 0;
        if (kind[bi][bj] < r.worst[field])
            r.worst[field] = kind[bi][bj];
        if (q->tok[bi].surname != c->tok[bj].surname)
            r.crossed = true;
    }
    size_t fewer = q->n < c->n ? q->n : c->n, more = q->n < c->n ? c->n : q->n;
    if (fewer == 0)
        return r;
    r.similarity = sum / (double)fewer;
    if (r.paired == fewer && more > fewer) {
        double extra = EXTRA_TOKEN * (double)(more - fewer);
        r.similarity -= extra < EXTRA_TOKENS_MAX ? extra : EXTRA_TOKENS_MAX;
        r.extra = true;
    }
    if (r.paired < fewer)
        for (size_t j = 0; j < c->n; j++)
            if (!c_used[j])
                r.differs[c->tok[j].surname ? 1 : 0] = true;
    return r;
}

/* ---- reasons ------------------------------------------------------------ */

/* Append one reason if it fits whole and is not there already; a reason cut in
 * half would mislead, so a full list just stops. */
static void add_reason(struct match_explain *why, const char *text)
{
    if (!why || !*text)
        return;
    size_t len = strlen(why->reasons), n = strlen(text);
    for (const char *p = why->reasons; *p;) {
        const char *end = strstr(p, "; ");
        size_t seg = end ? (size_t)(end - p) : strlen(p);
        if (seg == n && memcmp(p, text, n) == 0)
            return;
        p += seg + (end ? 2 : 0);
    }
    size_t sep = len ? 2 : 0;
    if (len + sep + n + 1 > sizeof why->reasons)
        return;
    memcpy(why->reasons + len, "; ", sep);
    memcpy(why->reasons + len + sep, text, n + 1);
}

static void name_reasons(struct match_explain *why, const struct name_result *r)
{
    static const char *const field_names[2] = {"forename", "surname"};
    static const char *const phrases[] = {
        [MATCH_LIKE_INITIAL] = "initial matches",
        [MATCH_LIKE_PREFIX] = "shortened",
        [MATCH_LIKE_SIMILAR] = "spelt similarly",
        [MATCH_LIKE_PHONETIC] = "sounds alike",
        [MATCH_LIKE_TYPO] = "has a typo",
        [MATCH_LIKE_TRANSPOSED] = "has transposed letters",
    };
    bool all_exact = r->worst[0] == MATCH_LIKE_EXACT && r->worst[1] == MATCH_LIKE_EXACT;
    if (all_exact && !r->crossed && !r->differs[0] && !r->differs[1])
        add_reason(why, "names match");
    if (r->crossed)
        add_reason(why, "forename and surname swapped");
    for (int f = 0; f < 2; f++) {
        char text[48];
        if (r->worst[f] != MATCH_LIKE_EXACT && r->worst[f] != MATCH_LIKE_NONE) {
            snprintf(text, sizeof text, "%s %s", field_names[f], phrases[r->worst[f]]);
            add_reason(why, text);
        }
        if (r->differs[f]) {
            snprintf(text, sizeof text, "%s differs", field_names[f]);
            add_reason(why, text);
        }
    }
    if (r->extra)
        add_reason(why, "extra name on one record");
}

/* ---- dates of birth ----------------------------------------------------- */

/* 0 unknown, 1 year, 2 month and year, 3 full date. */
static int dob_precision(const struct match_person *p)
{
    if (p->dob_year < 1 || p->dob_year > 9999)
        return 0;
    if (p->dob_month < 1 || p->dob_month > 12)
        return 1;
    return p->dob_day >= 1 && p->dob_day <= 31 ? 3 : 2;
}

static int digits_differing(const struct match_person *a, const struct match_person *b)
{
    int av[3] = {a->dob_year, a->dob_month, a->dob_day},
        bv[3] = {b->dob_year, b->dob_month, b->dob_day};
    const int width[3] = {4, 2, 2};
    int count = 0;
    for (int part = 0; part < 3; part++)
        for (int i = 0; i < width[part]; i++, av[part] /= 10, bv[part] /= 10)
            count += av[part] % 10 != bv[part] % 10;
    return count;
}

static double dob_likeness(const struct match_person *q, const struct match_person *c,
                           const char **reason)
{
    int pq = dob_precision(q), pc = dob_precision(c);
    int common = pq < pc ? pq : pc;
    bool year = q->dob_year == c->dob_year, month = q->dob_month == c->dob_month;
    if (pc == 0) {
        *reason = "no date of birth on record";
        return DOB_NOT_RECORDED;
    }
    if (year && (common < 2 || month) && (common < 3 || q->dob_day == c->dob_day)) {
        static const char *const exact[4] = {
            "", "year of birth matches", "month and year of birth match", "date of birth matches"};
        *reason = pc >= pq ? exact[pq] : "date of birth agrees as far as recorded";
        return pc >= pq ? 1.0 : 0.8;
    }
    int years_apart = abs(q->dob_year - c->dob_year);
    if (common == 3) {
        if (year && q->dob_month == c->dob_day && q->dob_day == c->dob_month) {
            *reason = "date of birth day and month swapped";
            return 0.85;
        }
        if (digits_differing(q, c) == 1) {
            *reason = "date of birth one digit different";
            return 0.8;
        }
        if (years_apart == 1 && month && q->dob_day == c->dob_day) {
            *reason = "year of birth off by one";
            return 0.7;
        }
        if (year && month) {
            *reason = "same month and year of birth";
            return 0.5;
        }
    } else if (years_apart == 1 && (common == 1 || month)) {
        *reason = "year of birth off by one";
        return 0.5;
    }
    if (year) {
        *reason = "same year of birth";
        return 0.3;
    }
    *reason = "date of birth differs";
    return 0.0;
}

/* ---- identifiers -------------------------------------------------------- */

/* Copy the letters and digits of in, upper-cased, to out (size n); spaces and
 * hyphens are skipped, anything else makes the value unusable. Returns the
 * length, or 0 when unusable or longer than n - 1. */
static size_t clean_identifier(const char *in, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    if (!in)
        return 0;
    for (; *in; in++) {
        char ch = *in;
        if (ch == ' ' || ch == '-')
            continue;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) || len + 1 >= n) {
            out[0] = '\0';
            return 0;
        }
        out[len++] = ch;
        out[len] = '\0';
    }
    return len;
}

static size_t count_digits(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && s[n] >= '0' && s[n] <= '9')
        n++;
    return n;
}

static bool is_letter(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

static bool clean_nhs(const char *in, char out[11])
{
    return clean_identifier(in, out, 11) == 10 && count_digits(out, 10) == 10;
}

/* A permanent UPN is a letter and 12 digits; a temporary one ends in a letter. */
static bool upn_form(const char *s, size_t len)
{
    return len == 13 && is_letter(s[0]) && count_digits(s + 1, 11) == 11 &&
           (is_letter(s[12]) || (s[12] >= '0' && s[12] <= '9'));
}

static bool clean_upn(const char *in, char out[14])
{
    return clean_identifier(in, out, 14) == 13 && upn_form(out, 13);
}

static bool clean_postcode(const char *in, char out[8])
{
    size_t len = clean_identifier(in, out, 8);
    return len >= 5 && len <= 7;
}

/* 'm' or 'f' from "M", "male", "F", "Female", or the NHS sex codes 1 and 2. */
static char sex_code(const char *s)
{
    if (!s)
        return 0;
    while (*s == ' ')
        s++;
    if (*s == 'm' || *s == 'M' || *s == '1')
        return 'm';
    if (*s == 'f' || *s == 'F' || *s == '2')
        return 'f';
    return 0;
}

/* ---- score -------------------------------------------------------------- */

int match_score(const struct match_person *query, const struct match_person *candidate,
                struct match_explain *why)
{
    if (why) {
        why->score = 0;
        why->reasons[0] = '\0';
    }
    if (!query || !candidate) {
        add_reason(why, "nothing to compare");
        return 0;
    }
    struct names qn, cn;
    names_load(&qn, query);
    names_load(&cn, candidate);
    struct name_result names = compare_names(&qn, &cn);
    char qnhs[11], cnhs[11], qupn[14], cupn[14], qpc[8], cpc[8];
    bool q_nhs = clean_nhs(query->nhs_number, qnhs), c_nhs = clean_nhs(candidate->nhs_number, cnhs);
    bool q_upn = clean_upn(query->upn, qupn), c_upn = clean_upn(candidate->upn, cupn);
    bool q_pc = clean_postcode(query->postcode, qpc);
    bool c_pc = clean_postcode(candidate->postcode, cpc);
    int q_dob = dob_precision(query);
    bool q_names = qn.n > 0;
    double score = 0.0;

    if (!q_names && !q_dob && !q_pc && !q_nhs && !q_upn) {
        add_reason(why, "nothing to compare");
        goto done;
    }
    bool nhs_same = q_nhs && c_nhs && strcmp(qnhs, cnhs) == 0;
    bool nhs_differs = q_nhs && c_nhs && !nhs_same;
    bool upn_same = q_upn && c_upn && strcmp(qupn, cupn) == 0;
    bool upn_differs = q_upn && c_upn && !upn_same;
    bool pc_same = q_pc && c_pc && strcmp(qpc, cpc) == 0;
    bool names_unlike = q_names && cn.n > 0 && names.paired == 0;
    char q_sex = sex_code(query->sex), c_sex = sex_code(candidate->sex);

    const char *dob_reason = NULL;
    double available = 0.0, earned = 0.0, base;
    if (q_names) {
        available += WEIGHT_NAMES;
        earned += WEIGHT_NAMES * names.similarity;
    }
    if (q_dob) {
        available += WEIGHT_DOB;
        earned += WEIGHT_DOB * dob_likeness(query, candidate, &dob_reason);
    }
    if (available > 0.0)
        base = 100.0 * earned / available + (pc_same ? BONUS_POSTCODE : 0.0);
    else if (q_pc)
        base = pc_same ? 100.0 : 0.0;
    else /* identifiers only: they decide alone */
        base = nhs_same || upn_same ? 100.0 : 0.0;
    base = base > 100.0 ? 100.0 : base;

    if (nhs_same || upn_same)
        score = names_unlike ? SCORE_ID_NAMES_UNLIKE : SCORE_ID_FLOOR + base / 20.0;
    else
        score = base;
    if (nhs_differs)
        score -= PENALTY_NHS_DIFFERS;
    if (upn_differs && !nhs_same)
        score -= PENALTY_UPN_DIFFERS;
    if (q_sex && c_sex && q_sex != c_sex)
        score -= PENALTY_SEX;

    /* Reasons, most telling first. */
    add_reason(why, nhs_same ? "NHS number matches" : nhs_differs ? "NHS numbers differ" : "");
    add_reason(why, upn_same ? "UPN matches" : upn_differs ? "UPNs differ" : "");
    if (names_unlike && (nhs_same || upn_same))
        add_reason(why, nhs_same ? "names completely different despite the same NHS number"
                                 : "names completely different despite the same UPN");
    else if (names_unlike)
        add_reason(why, "names completely different");
    else if (q_names && cn.n == 0)
        add_reason(why, "no name on record");
    else if (q_names)
        name_reasons(why, &names);
    if (dob_reason)
        add_reason(why, dob_reason);
    if (pc_same)
        add_reason(why, "same postcode");
    if (q_sex && c_sex && q_sex != c_sex)
        add_reason(why, "sex differs");

done:
    names_release(&qn);
    names_release(&cn);
    score = score < 0.0 ? 0.0 : score > 100.0 ? 100.0 : score;
    int result = (int)floor(score + 0.5);
    if (why)
        why->score = result;
    return result;
}

/* ---- index keys --------------------------------------------------------- */

/* Append "<prefix><value>\n" unless a line of keys from offset from already is
 * that key. Returns 1 if appended. */
static size_t add_key(struct buf *keys, size_t from, const char *prefix, const char *value,
                      size_t value_len)
{
    size_t prefix_len = strlen(prefix);
    if (value_len == 0)
        return 0;
    for (size_t at = from; at < keys->len;) {
        const char *line = keys->data + at;
        const char *nl = memchr(line, '\n', keys->len - at);
        size_t len = nl ? (size_t)(nl - line) : keys->len - at;
        if (len == prefix_len + value_len && memcmp(line, prefix, prefix_len) == 0 &&
            memcmp(line + prefix_len, value, value_len) == 0)
            return 0;
        at += len + 1;
    }
    buf_puts(keys, prefix);
    buf_append(keys, value, value_len);
    return buf_putc(keys, '\n') ? 1 : 0;
}

/* Bytes of the first n code points of a UTF-8 token. */
static size_t utf8_prefix(const char *s, size_t len, size_t n)
{
    size_t i = 0;
    for (size_t seen = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && seen++ == n)
            break;
    }
    return i;
}

static size_t date_key(struct buf *keys, size_t from, int y, int m, int d)
{
    char date[16];
    int n = snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
    return n > 0 && (size_t)n < sizeof date ? add_key(keys, from, "d:", date, (size_t)n) : 0;
}

static size_t person_keys(const struct match_person *p, struct buf *keys, bool for_query)
{
    size_t from = keys->len, count = 0;
    if (!p)
        return 0;
    struct names nm;
    names_load(&nm, p);
    for (size_t i = 0; i < nm.n; i++) {
        const struct name_token *t = &nm.tok[i];
        char key[MATCH_PHONETIC_MAX];
        match_phonetic(t->text, key, sizeof key);
        count += add_key(keys, from, "n:", t->text, t->len);
        count += add_key(keys, from, "p:", key, strlen(key));
        if (for_query || t->surname)
            count += add_key(keys, from, "s3:", t->text, utf8_prefix(t->text, t->len, 3));
    }
    names_release(&nm);

    int precision = dob_precision(p);
    if (precision == 3) {
        count += date_key(keys, from, p->dob_year, p->dob_month, p->dob_day);
        /* The day/month-swapped twin, so a record typed the American way is fetched. */
        if (for_query && p->dob_day != p->dob_month && p->dob_day <= 12 &&
            p->dob_month <= clock_days_in_month(p->dob_year, p->dob_day))
            count += date_key(keys, from, p->dob_year, p->dob_day, p->dob_month);
    }
    if (precision >= 1) {
        char year[8];
        int n = snprintf(year, sizeof year, "%04d", p->dob_year);
        if (n > 0 && (size_t)n < sizeof year)
            count += add_key(keys, from, "y:", year, (size_t)n);
    }
    char nhs[11], upn[14], pc[8];
    if (clean_nhs(p->nhs_number, nhs))
        count += add_key(keys, from, "nhs:", nhs, 10);
    if (clean_upn(p->upn, upn))
        count += add_key(keys, from, "upn:", upn, 13);
    if (clean_postcode(p->postcode, pc))
        count += add_key(keys, from, "pc:", pc, strlen(pc));
    return count;
}

size_t match_keys(const struct match_person *p, struct buf *keys)
{
    return person_keys(p, keys, false);
}

size_t match_query_keys(const struct match_query *q, struct buf *keys)
{
    return q ? person_keys(&q->person, keys, true) : 0;
}

/* ---- search box --------------------------------------------------------- */

struct word {
    const char *s;
    size_t len;
    bool used;
    bool after_comma;
};

static bool all_digits(const char *s, size_t len)
{
    return len > 0 && count_digits(s, len) == len;
}

/* Value of 1..max_len digits; -1 if s is not that. */
static int number(const char *s, size_t len, size_t max_len)
{
    if (len == 0 || len > max_len || !all_digits(s, len))
        return -1;
    int v = 0;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Outward code: A9, A99, AA9, AA99, A9A, AA9A. */
static bool postcode_outward(const char *s, size_t len)
{
    if (len < 2 || len > 4 || !is_letter(s[0]))
        return false;
    size_t i = is_letter(s[1]) ? 2 : 1;
    if (i >= len || count_digits(s + i, 1) != 1)
        return false;
    i++;
    return i == len || (i + 1 == len && (is_letter(s[i]) || count_digits(s + i, 1) == 1));
}

/* Inward code: 9AA. */
static bool postcode_inward(const char *s, size_t len)
{
    return len == 3 && count_digits(s, 1) == 1 && is_letter(s[1]) && is_letter(s[2]);
}

/* Parse a date word into y, m, d (0 for the parts not given). Years 1900-2100. */
static bool parse_date(const char *s, size_t len, int *y, int *m, int *d)
{
    const char *part[3];
    size_t part_len[3], parts = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '/' && s[i] != '-' && s[i] != '.')
            continue;
        if (parts == 3)
            return false;
        part[parts] = s + start;
        part_len[parts++] = i - start;
        start = i + 1;
    }
    *y = *m = *d = 0;
    if (parts == 1) {
        *y = number(part[0], part_len[0], 4);
        if (part_len[0] != 4)
            return false;
    } else if (parts == 2 && part_len[1] == 4) {
        *m = number(part[0], part_len[0], 2);
        *y = number(part[1], 4, 4);
    } else if (parts == 3 && part_len[0] == 4) {
        *y = number(part[0], 4, 4);
        *m = number(part[1], part_len[1], 2);
        *d = number(part[2], part_len[2], 2);
    } else if (parts == 3 && part_len[2] == 4) {
        *d = number(part[0], part_len[0], 2);
        *m = number(part[1], part_len[1], 2);
        *y = number(part[2], 4, 4);
    } else {
        return false;
    }
    if (*y < 1900 || *y > 2100 || (parts > 1 && (*m < 1 || *m > 12)) ||
        (parts == 3 && (*d < 1 || *d > clock_days_in_month(*y, *m))))
        return false;
    return true;
}

/* "#123" or "id:123" (any case); 1-18 digits, not 0. */
static bool parse_local_id(const char *s, size_t len, int64_t *id)
{
    size_t skip = 0;
    if (len > 1 && s[0] == '#')
        skip = 1;
    else if (len > 3 && (s[0] == 'i' || s[0] == 'I') && (s[1] == 'd' || s[1] == 'D') && s[2] == ':')
        skip = 3;
    if (!skip || len - skip > 18 || !all_digits(s + skip, len - skip))
        return false;
    int64_t v = 0;
    for (size_t i = skip; i < len; i++)
        v = v * 10 + (s[i] - '0');
    *id = v;
    return v > 0;
}

/* Copy the words marked in pick, space-separated, NUL-terminated; returns the
 * offset in storage, or SIZE_MAX when there were none. */
static size_t store_words(struct buf *storage, const struct word *w, const size_t *idx, size_t n)
{
    if (n == 0)
        return SIZE_MAX;
    size_t at = storage->len;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(storage, ' ');
        buf_append(storage, w[idx[i]].s, w[idx[i]].len);
    }
    buf_putc(storage, '\0');
    return at;
}

static size_t store_text(struct buf *storage, const char *s, size_t len)
{
    size_t at = storage->len;
    buf_append(storage, s, len);
    buf_putc(storage, '\0');
    return at;
}

/* Recognise identifiers and dates among the words; mark them used. */
static void recognise(struct word *w, size_t n, struct match_query *q, struct buf *storage,
                      size_t off[3])
{
    char text[16];
    for (size_t i = 0; i < n; i++) {
        struct word *x = &w[i];
        if (x->used)
            continue;
        int y, m, d;
        /* NHS number: 10 digits, or 3-3-4 groups as one word with hyphens or
         * as three words. */
        size_t groups = 0;
        if (x->len == 12 && x->s[3] == '-' && x->s[7] == '-' && all_digits(x->s, 3) &&
            all_digits(x->s + 4, 3) && all_digits(x->s + 8, 4)) {
            memcpy(text, x->s, 3), memcpy(text + 3, x->s + 4, 3), memcpy(text + 6, x->s + 8, 4);
            groups = 1;
        } else if (x->len == 10 && all_digits(x->s, 10)) {
            memcpy(text, x->s, 10);
            groups = 1;
        } else if (i + 2 < n && x->len == 3 && w[i + 1].len == 3 && w[i + 2].len == 4 &&
                   all_digits(x->s, 3) && all_digits(w[i + 1].s, 3) && all_digits(w[i + 2].s, 4) &&
                   !w[i + 1].used && !w[i + 2].used) {
            memcpy(text, x->s, 3), memcpy(text + 3, w[i + 1].s, 3), memcpy(text + 6, w[i + 2].s, 4);
            groups = 3;
        }
        if (groups) {
            for (size_t g = 0; g < groups; g++)
                w[i + g].used = true;
            if (!(q->found & MATCH_FOUND_NHS)) {
                off[0] = store_text(storage, text, 10);
                q->found |= MATCH_FOUND_NHS;
            }
            continue;
        }
        int64_t id;
        if (parse_local_id(x->s, x->len, &id)) {
            x->used = true;
            if (!(q->found & MATCH_FOUND_LOCAL_ID))
                q->local_id = id;
            q->found |= MATCH_FOUND_LOCAL_ID;
            continue;
        }
        if (upn_form(x->s, x->len)) {
            x->used = true;
            if (!(q->found & MATCH_FOUND_UPN)) {
                for (size_t k = 0; k < 13; k++)
                    text[k] = is_letter(x->s[k]) ? (char)(x->s[k] & ~0x20) : x->s[k];
                off[1] = store_text(storage, text, 13);
                q->found |= MATCH_FOUND_UPN;
            }
            continue;
        }
        if (parse_date(x->s, x->len, &y, &m, &d)) {
            x->used = true;
            if (!(q->found & MATCH_FOUND_DATE)) {
                q->person.dob_year = y, q->person.dob_month = m, q->person.dob_day = d;
                q->found |= MATCH_FOUND_DATE;
            }
            continue;
        }
        /* Postcode as two words ("SW1A 1AA") or one ("SW1A1AA"). */
        size_t out_len = 0, words = 0;
        if (i + 1 < n && !w[i + 1].used && postcode_outward(x->s, x->len) &&
            postcode_inward(w[i + 1].s, w[i + 1].len)) {
            out_len = x->len, words = 2;
            memcpy(text, x->s, out_len);
            memcpy(text + out_len + 1, w[i + 1].s, 3);
        } else if (x->len >= 5 && x->len <= 7 && postcode_outward(x->s, x->len - 3) &&
                   postcode_inward(x->s + x->len - 3, 3)) {
            out_len = x->len - 3, words = 1;
            memcpy(text, x->s, out_len);
            memcpy(text + out_len + 1, x->s + out_len, 3);
        }
        if (words) {
            for (size_t g = 0; g < words; g++)
                w[i + g].used = true;
            if (!(q->found & MATCH_FOUND_POSTCODE)) {
                text[out_len] = ' ';
                for (size_t k = 0; k < out_len + 4; k++)
                    text[k] = is_letter(text[k]) ? (char)(text[k] & ~0x20) : text[k];
                off[2] = store_text(storage, text, out_len + 4);
                q->found |= MATCH_FOUND_POSTCODE;
            }
            continue;
        }
        /* A word with a digit that is none of the above is no name either. */
        for (size_t k = 0; k < x->len; k++)
            if (x->s[k] >= '0' && x->s[k] <= '9')
                x->used = true;
    }
}

bool match_parse_query(const char *text, struct match_query *q, struct buf *storage)
{
    if (!q)
        return false;
    memset(q, 0, sizeof *q);
    if (!text || !storage)
        return false;
    struct word w[QUERY_WORDS_MAX];
    size_t n = 0;
    bool comma = false;
    for (const char *p = text; *p && n < QUERY_WORDS_MAX;) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ',') {
            comma = comma || *p == ',';
            p++;
            continue;
        }
        const char *start = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != ',')
            p++;
        w[n++] = (struct word){start, (size_t)(p - start), false, comma};
    }

    /* Offsets into storage of NHS number, UPN, postcode; names follow. */
    size_t off[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
    recognise(w, n, q, storage, off);

    /* Remaining words are names if they normalise to something. */
    size_t name[QUERY_WORDS_MAX], names = 0, before_comma = 0;
    struct buf word = BUF_INIT, norm = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (w[i].used)
            continue;
        buf_reset(&word);
        buf_reset(&norm);
        buf_append(&word, w[i].s, w[i].len);
        match_normalise(word.data, &norm);
        if (norm.len == 0)
            continue;
        name[names++] = i;
        before_comma += !w[i].after_comma;
    }
    buf_release(&word);
    buf_release(&norm);
    size_t off_fore = SIZE_MAX, off_sur = SIZE_MAX;
    if (names > 0) {
        q->found |= MATCH_FOUND_NAME;
        if (before_comma > 0 && before_comma < names) {
            /* "Smith, John": the words before the comma are the surname. */
            off_sur = store_words(storage, w, name, before_comma);
            off_fore = store_words(storage, w, name + before_comma, names - before_comma);
        } else {
            off_fore = store_words(storage, w, name, names - 1);
            off_sur = store_words(storage, w, name + names - 1, 1);
        }
    }
    if (buf_failed(storage)) {
        memset(q, 0, sizeof *q);
        return false;
    }
    /* Pointers only now: storage may have moved while it grew. */
    const char **field[5] = {&q->person.nhs_number, &q->person.upn, &q->person.postcode,
                             &q->person.forenames, &q->person.surname};
    const size_t at[5] = {off[0], off[1], off[2], off_fore, off_sur};
    for (int f = 0; f < 5; f++)
        *field[f] = at[f] == SIZE_MAX ? NULL : storage->data + at[f];
    return q->found != 0;
}
