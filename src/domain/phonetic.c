#include "domain/phonetic.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ---- normalisation ------------------------------------------------------ */

enum fold {
    FOLD_LETTER,    /* part of a token */
    FOLD_DROP,      /* apostrophes and combining accents: vanish without splitting */
    FOLD_SEPARATOR, /* spaces, hyphens, punctuation: end the token */
};

struct fold_range {
    uint32_t first, last;
    const char *ascii;
};

/* Latin letters with diacritics and their plain-ASCII spelling, as a British
 * records clerk would type the name on a keyboard without accents. Covers Latin-1,
 * Latin Extended-A (Polish, Czech, Turkish, Baltic, Hungarian...), the Romanian
 * and Vietnamese letters of Extended-B and Extended Additional, and the dotted
 * letters of Arabic transliteration. Sorted by first. */
static const struct fold_range latin_folds[] = {
    {0x00C0, 0x00C5, "a"},  {0x00C6, 0x00C6, "ae"}, {0x00C7, 0x00C7, "c"},  {0x00C8, 0x00CB, "e"},
    {0x00CC, 0x00CF, "i"},  {0x00D0, 0x00D0, "d"},  {0x00D1, 0x00D1, "n"},  {0x00D2, 0x00D6, "o"},
    {0x00D8, 0x00D8, "o"},  {0x00D9, 0x00DC, "u"},  {0x00DD, 0x00DD, "y"},  {0x00DE, 0x00DE, "th"},
    {0x00DF, 0x00DF, "ss"}, {0x00E0, 0x00E5, "a"},  {0x00E6, 0x00E6, "ae"}, {0x00E7, 0x00E7, "c"},
    {0x00E8, 0x00EB, "e"},  {0x00EC, 0x00EF, "i"},  {0x00F0, 0x00F0, "d"},  {0x00F1, 0x00F1, "n"},
    {0x00F2, 0x00F6, "o"},  {0x00F8, 0x00F8, "o"},  {0x00F9, 0x00FC, "u"},  {0x00FD, 0x00FD, "y"},
    {0x00FE, 0x00FE, "th"}, {0x00FF, 0x00FF, "y"},  {0x0100, 0x0105, "a"},  {0x0106, 0x010D, "c"},
    {0x010E, 0x0111, "d"},  {0x0112, 0x011B, "e"},  {0x011C, 0x0123, "g"},  {0x0124, 0x0127, "h"},
    {0x0128, 0x0131, "i"},  {0x0132, 0x0133, "ij"}, {0x0134, 0x0135, "j"},  {0x0136, 0x0138, "k"},
    {0x0139, 0x0142, "l"},  {0x0143, 0x014B, "n"},  {0x014C, 0x0151, "o"},  {0x0152, 0x0153, "oe"},
    {0x0154, 0x0159, "r"},  {0x015A, 0x0161, "s"},  {0x0162, 0x0167, "t"},  {0x0168, 0x0173, "u"},
    {0x0174, 0x0175, "w"},  {0x0176, 0x0178, "y"},  {0x0179, 0x017E, "z"},  {0x017F, 0x017F, "s"},
    {0x018F, 0x018F, "e"},  {0x01A0, 0x01A1, "o"},  {0x01AF, 0x01B0, "u"},  {0x01CD, 0x01CE, "a"},
    {0x01CF, 0x01D0, "i"},  {0x01D1, 0x01D2, "o"},  {0x01D3, 0x01DC, "u"},  {0x0218, 0x0219, "s"},
    {0x021A, 0x021B, "t"},  {0x0259, 0x0259, "e"},  {0x1E0C, 0x1E0D, "d"},  {0x1E24, 0x1E25, "h"},
    {0x1E62, 0x1E63, "s"},  {0x1E6C, 0x1E6D, "t"},  {0x1E92, 0x1E93, "z"},  {0x1EA0, 0x1EB7, "a"},
    {0x1EB8, 0x1EC7, "e"},  {0x1EC8, 0x1ECB, "i"},  {0x1ECC, 0x1EE3, "o"},  {0x1EE4, 0x1EF1, "u"},
    {0x1EF2, 0x1EF9, "y"},
};

/* Classify code point cp. For a letter, *ascii is its ASCII spelling, or NULL
 * when the letter is kept as the code point *keep (lowercased where that is a
 * fixed offset: ASCII, Greek, Cyrillic). */
static enum fold fold_codepoint(uint32_t cp, const char **ascii, uint32_t *keep)
{
    *ascii = NULL;
    *keep = cp;
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z') {
            *keep = cp + ('a' - 'A');
            return FOLD_LETTER;
        }
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
            return FOLD_LETTER;
        return cp == '\'' || cp == '`' ? FOLD_DROP : FOLD_SEPARATOR;
    }
    /* Apostrophe look-alikes: typographic quotes from word processors, the
     * modifier letters used for Hawaiian/Arabic transliteration, acute accent. */
    if (cp == 0x00B4 || cp == 0x02B9 || cp == 0x02BB || cp == 0x02BC || cp == 0x02BE ||
        cp == 0x02BF || cp == 0x2018 || cp == 0x2019 || cp == 0x201B || cp == 0x2032 ||
        cp == 0xFF07)
        return FOLD_DROP;
    /* Combining accents (decomposed input) and the zero-width joiners that Indic
     * scripts use inside words. */
    if ((cp >= 0x0300 && cp <= 0x036F) || cp == 0x200C || cp == 0x200D)
        return FOLD_DROP;
    if (cp <= 0x00BF || cp == 0x00D7 || cp == 0x00F7 || (cp >= 0x2000 && cp <= 0x206F) ||
        (cp >= 0x2E00 && cp <= 0x2E7F) || (cp >= 0x3000 && cp <= 0x3003) || cp == 0xFEFF ||
        (cp >= 0xFF01 && cp <= 0xFF0F))
        return FOLD_SEPARATOR;
    for (size_t i = 0; i < sizeof latin_folds / sizeof latin_folds[0]; i++) {
        if (cp < latin_folds[i].first)
            break;
        if (cp <= latin_folds[i].last) {
            *ascii = latin_folds[i].ascii;
            return FOLD_LETTER;
        }
    }
    if ((cp >= 0x0391 && cp <= 0x03A9 && cp != 0x03A2) || (cp >= 0x0410 && cp <= 0x042F))
        *keep = cp + 0x20;
    else if (cp >= 0x0400 && cp <= 0x040F)
        *keep = cp + 0x50;
    return FOLD_LETTER;
}

/* Decode one UTF-8 sequence at s; returns its length and sets *cp, or 0 when the
 * bytes are malformed (overlong, surrogate, past U+10FFFF, cut short). Reading
 * stops at the NUL because a NUL is never a continuation byte. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static void put_utf8(struct buf *out, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    buf_append(out, b, n);
}

void match_normalise(const char *in, struct buf *out)
{
    if (!in)
        return;
    const unsigned char *s = (const unsigned char *)in;
    bool in_token = false, gap = false;
    while (*s) {
        uint32_t cp, keep;
        const char *ascii;
        size_t n = utf8_decode(s, &cp);
        if (n == 0) {
            s++;
            continue;
        }
        s += n;
        enum fold f = fold_codepoint(cp, &ascii, &keep);
        if (f == FOLD_DROP)
            continue;
        if (f == FOLD_SEPARATOR) {
            gap = in_token;
            continue;
        }
        if (gap)
            buf_putc(out, ' ');
        gap = false;
        in_token = true;
        if (ascii)
            buf_puts(out, ascii);
        else
            put_utf8(out, keep);
    }
}

/* ---- phonetic key (Metaphone with the deviations in phonetic.h) --------- */

struct key {
    char *out;
    size_t size, len;
};

static void emit(struct key *k, char c)
{
    if (k->len + 1 < k->size) {
        k->out[k->len++] = c;
        k->out[k->len] = '\0';
    }
}

static bool is_vowel(char c)
{
    return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
}

static bool is_front_vowel(char c)
{
    return c == 'E' || c == 'I' || c == 'Y';
}

void match_phonetic(const char *token, char *out, size_t outsize)
{
    if (!out || outsize == 0)
        return;
    out[0] = '\0';
    if (!token)
        return;
    char w[MATCH_TOKEN_MAX + 1];
    size_t len = 0;
    for (const char *p = token; *p && len < MATCH_TOKEN_MAX; p++) {
        if (*p >= 'a' && *p <= 'z')
            w[len++] = (char)(*p - 'a' + 'A');
        else if (*p >= 'A' && *p <= 'Z')
            w[len++] = *p;
    }
    w[len] = '\0';
    struct key k = {out, outsize, 0};
    if (len <= 1) {
        if (len == 1)
            emit(&k, w[0]);
        return;
    }

    char *s = w;
    bool sh_start = strncmp(w, "SEAN", 4) == 0 || strncmp(w, "SEAM", 4) == 0;
    if (((w[0] == 'K' || w[0] == 'G' || w[0] == 'P') && w[1] == 'N') ||
        (w[0] == 'A' && w[1] == 'E') || (w[0] == 'W' && w[1] == 'R')) {
        s++, len--;
    } else if (w[0] == 'W' && w[1] == 'H') {
        w[1] = 'W';
        s++, len--;
    } else if (w[0] == 'X') {
        w[0] = 'S';
    }

    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        char prev = i > 0 ? s[i - 1] : '\0';
        char next = s[i + 1]; /* s[len] is the NUL */
        char next2 = next ? s[i + 2] : '\0';
        if (c != 'C' && c == prev)
            continue;
        switch (c) {
        case 'A':
        case 'E':
        case 'I':
        case 'O':
        case 'U':
            if (i == 0)
                emit(&k, 'A');
            break;
        case 'B':
            if (!(prev == 'M' && !next))
                emit(&k, 'B');
            break;
        case 'C':
            if (prev == 'S' && is_front_vowel(next))
                break;
            if (next == 'I' && next2 == 'A')
                emit(&k, 'X');
            else if (is_front_vowel(next))
                emit(&k, 'S');
            else if (next == 'H')
                emit(&k, prev == 'S' || (next2 && !is_vowel(next2)) ? 'K' : 'X');
            else
                emit(&k, 'K');
            break;
        case 'D':
            if (next == 'G' && is_front_vowel(next2)) {
                emit(&k, 'J');
                i += 2;
            } else {
                emit(&k, 'T');
            }
            break;
        case 'G':
            if (next == 'H' && !is_vowel(next2))
                break;
            if (i > 0 && next == 'N' && (!next2 || strcmp(s + i, "GNED") == 0))
                break;
            emit(&k, is_front_vowel(next) ? 'J' : 'K');
            break;
        case 'H':
            if (is_vowel(next) && (i == 0 || is_vowel(prev)))
                emit(&k, 'H');
            break;
        case 'K':
            if (prev != 'C')
                emit(&k, 'K');
            break;
        case 'P':
            if (next == 'H')
                emit(&k, 'F');
            else if (!(prev == 'M' && next == 'S'))
                emit(&k, 'P');
            break;
        case 'Q':
            emit(&k, 'K');
            break;
        case 'S':
            if ((i == 0 && sh_start) || next == 'H' ||
                (next == 'I' && (next2 == 'O' || next2 == 'A')))
                emit(&k, 'X');
            else
                emit(&k, 'S');
            break;
        case 'T':
            if (next == 'I' && (next2 == 'O' || next2 == 'A'))
                emit(&k, 'X');
            else if (!(next == 'C' && next2 == 'H'))
                emit(&k, 'T');
            break;
        case 'V':
            emit(&k, 'F');
            break;
        case 'W':
        case 'Y':
            if (is_vowel(next))
                emit(&k, c);
            break;
        case 'X':
            emit(&k, 'K');
            emit(&k, 'S');
            break;
        case 'Z':
            emit(&k, 'S');
            break;
        default: /* F J L M N R */
            emit(&k, c);
            break;
        }
    }
}

/* ---- string distances --------------------------------------------------- */

double match_jaro_winkler(const char *a, const char *b)
{
    a = a ? a : "";
    b = b ? b : "";
    size_t la = strnlen(a, MATCH_TOKEN_MAX), lb = strnlen(b, MATCH_TOKEN_MAX);
    if (la == 0 && lb == 0)
        return 1.0;
    if (la == 0 || lb == 0)
        return 0.0;
    size_t window = (la > lb ? la : lb) / 2;
    window = window ? window - 1 : 0;
    bool used_a[MATCH_TOKEN_MAX] = {false}, used_b[MATCH_TOKEN_MAX] = {false};
    size_t matches = 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > window ? i - window : 0;
        size_t hi = i + window + 1 < lb ? i + window + 1 : lb;
        for (size_t j = lo; j < hi; j++) {
            if (!used_b[j] && a[i] == b[j]) {
                used_a[i] = used_b[j] = true;
                matches++;
                break;
            }
        }
    }
    if (matches == 0)
        return 0.0;
    size_t half_transpositions = 0;
    for (size_t i = 0, j = 0; i < la; i++) {
        if (!used_a[i])
            continue;
        while (!used_b[j])
            j++;
        if (a[i] != b[j])
            half_transpositions++;
        j++;
    }
    double m = (double)matches;
    double jaro =
        (m / (double)la + m / (double)lb + (m - (double)half_transpositions / 2.0) / m) / 3.0;
    size_t prefix = 0;
    while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix])
        prefix++;
    return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}

static int min3(int x, int y, int z)
{
    int m = x < y ? x : y;
    return m < z ? m : z;
}

int match_edit_distance(const char *a, const char *b)
{
    a = a ? a : "";
    b = b ? b : "";
    size_t la = strnlen(a, MATCH_TOKEN_MAX), lb = strnlen(b, MATCH_TOKEN_MAX);
    /* Three rows of the distance table: the transposition step looks two back. */
    int rows[3][MATCH_TOKEN_MAX + 1];
    int *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int d = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                before[j - 2] + 1 < d)
                d = before[j - 2] + 1;
            cur[j] = d;
        }
        int *spare = before;
        before = prev;
        prev = cur;
        cur = spare;
    }
    return prev[lb];
}

/* ---- token likeness ----------------------------------------------------- */

static bool is_transposition(const char *a, const char *b, size_t len)
{
    size_t i = 0;
    while (i < len && a[i] == b[i])
        i++;
    return i + 1 < len && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           memcmp(a + i + 2, b + i + 2, len - i - 2) == 0;
}

/* The typo rules need 4+ letters (one edit) or 7+ (two edits) because on short
 * names one edit is a different name (Amy/Ann, Ben/Ken). The phonetic rule also
 * needs the spellings to be near, as Metaphone drops vowels and so gives John,
 * Jane and June one key. */
double match_token_likeness(const char *a, const char *b, enum match_likeness *kind)
{
    enum match_likeness spare = MATCH_LIKE_NONE;
    kind = kind ? kind : &spare;
    *kind = MATCH_LIKE_NONE;
    a = a ? a : "";
    b = b ? b : "";
    size_t la = strnlen(a, MATCH_TOKEN_MAX), lb = strnlen(b, MATCH_TOKEN_MAX);
    size_t shorter = la < lb ? la : lb;
    if (shorter == 0)
        return 0.0;
    if (strcmp(a, b) == 0) {
        *kind = MATCH_LIKE_EXACT;
        return 1.0;
    }
    int edits = match_edit_distance(a, b);
    if (edits == 1 && shorter >= 4) {
        *kind = la == lb && is_transposition(a, b, la) ? MATCH_LIKE_TRANSPOSED : MATCH_LIKE_TYPO;
        return 0.85;
    }
    if (edits == 2 && shorter >= 7) {
        *kind = MATCH_LIKE_TYPO;
        return 0.75;
    }
    double jw = match_jaro_winkler(a, b);
    char ka[MATCH_PHONETIC_MAX], kb[MATCH_PHONETIC_MAX];
    match_phonetic(a, ka, sizeof ka);
    match_phonetic(b, kb, sizeof kb);
    if (ka[0] && strcmp(ka, kb) == 0 && jw >= 0.75) {
        *kind = MATCH_LIKE_PHONETIC;
        return 0.7;
    }
    const char *s = la < lb ? a : b, *l = la < lb ? b : a;
    if (shorter >= 4 && jw >= 0.92) {
        *kind = MATCH_LIKE_SIMILAR;
        return 0.6;
    }
    if (shorter >= 3 && memcmp(s, l, shorter) == 0) {
        *kind = MATCH_LIKE_PREFIX;
        return 0.6;
    }
    if (shorter == 1 && s[0] == l[0]) {
        *kind = MATCH_LIKE_INITIAL;
        return 0.5;
    }
    return 0.0;
}
