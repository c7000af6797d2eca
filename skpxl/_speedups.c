/* Optional accelerator for skpxl.sheetxml: where the wanted cells of a plain sheet are, and
 * what the common ones hold.
 *
 * locate(xml, rows) does in C what skpxl.sheetxml._locate does in Python, with the same
 * result: the plainness check of sheetData (every cell and row tag starts with a plain r,
 * no comment, CDATA or namespace prefix), the cut at row tags, and the lookup of each
 * wanted cell by its tag start.  It returns a list of (row, col, at, stop, end) offsets
 * into xml: the cell tag is xml[at:stop] and its content xml[stop:end] (up to "</c>").
 * It returns None whenever the Python version has to decide: a sheet that is not plain,
 * row numbers that are not plain digits or not strictly ascending, a tag or cell that is
 * not closed inside its row.
 *
 * decode(xml, located, strings, styles, max_chars) gives the values of the located cells
 * in the shapes nearly every cell has (a number that is not a date, a one-run inline text
 * without entities, escapes or control characters, a shared string by plain index), as
 * sheetxml._cell_value and sheetxml.as_read give them, and hands every other cell back
 * for sheetxml._cell_value to decode.
 *
 * Either way the Python version decides every case C does not settle, so both always
 * agree; the tests run every reader comparison with and without this module, and compare
 * both on randomly bent sheets and cells.  Nothing here allocates per byte; all searches
 * are bounded by the sheetData region or the cell.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>
#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#include <emmintrin.h>
#define SCAN16 1
#endif

#if defined(__GLIBC__) || defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__)
#define HAVE_MEMMEM 1
#endif

/* first occurrence of pat[0:n] in s[from:to], or -1 */
static Py_ssize_t
find(const char *s, Py_ssize_t from, Py_ssize_t to, const char *pat, Py_ssize_t n)
{
    if (to - from < n)
        return -1;
#ifdef HAVE_MEMMEM
    const char *p = memmem(s + from, (size_t)(to - from), pat, (size_t)n);
    return p == NULL ? -1 : p - s;
#else
    Py_ssize_t last = to - n;
    while (from <= last) {
        const char *p = memchr(s + from, pat[0], (size_t)(last - from + 1));
        if (p == NULL)
            return -1;
        if (memcmp(p, pat, (size_t)n) == 0)
            return p - s;
        from = (p - s) + 1;
    }
    return -1;
#endif
}

/* find() for short ranges (inside a row or a cell): memchr on the first byte, no set-up */
static Py_ssize_t
find_near(const char *s, Py_ssize_t from, Py_ssize_t to, const char *pat, Py_ssize_t n)
{
    Py_ssize_t last = to - n;
    while (from <= last) {
        const char *p = memchr(s + from, pat[0], (size_t)(last - from + 1));
        if (p == NULL)
            return -1;
        if (memcmp(p, pat, (size_t)n) == 0)
            return p - s;
        from = (p - s) + 1;
    }
    return -1;
}

/* last occurrence of pat[0:n] in s[0:len], or -1 */
static Py_ssize_t
rfind(const char *s, Py_ssize_t len, const char *pat, Py_ssize_t n)
{
#ifdef __GLIBC__
    Py_ssize_t to = len - n + 1;             /* pat may start before this */
    while (to > 0) {
        const char *p = memrchr(s, pat[0], (size_t)to);
        if (p == NULL)
            return -1;
        if (memcmp(p, pat, (size_t)n) == 0)
            return p - s;
        to = p - s;
    }
    return -1;
#else
    for (Py_ssize_t i = len - n; i >= 0; i--) {
        if (s[i] == pat[0] && memcmp(s + i, pat, (size_t)n) == 0)
            return i;
    }
    return -1;
#endif
}

static int is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_nonzero_digit(char c) { return c >= '1' && c <= '9'; }
static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* s[i:end] starts with pat */
static int
starts(const char *s, Py_ssize_t i, Py_ssize_t end, const char *pat, Py_ssize_t n)
{
    return i + n <= end && memcmp(s + i, pat, (size_t)n) == 0;
}

/* sheetxml._ODD at '<' (s[i] == '<'): a cell or row tag without a plain r first, or "<!" */
static int
odd_at(const char *s, Py_ssize_t i, Py_ssize_t end)
{
    if (i + 1 >= end)
        return 0;
    char next = s[i + 1];
    if (next == '!')
        return 1;
    if (next == 'c') {
        if (i + 2 >= end || is_letter(s[i + 2]))
            return 0;                       /* "<col", "<cfRule"...: not a cell */
        if (!starts(s, i + 2, end, " r=\"", 4))
            return 1;
        Py_ssize_t j = i + 6, k = 0;
        while (j + k < end && is_upper(s[j + k]) && k < 4)
            k++;
        return !(k >= 1 && k <= 3 && j + k < end && is_nonzero_digit(s[j + k]));
    }
    if (next == 'r' && starts(s, i + 1, end, "row", 3)) {
        if (i + 4 >= end || is_letter(s[i + 4]))
            return 0;
        return !(starts(s, i + 4, end, " r=\"", 4) && i + 8 < end
                 && is_nonzero_digit(s[i + 8]));
    }
    return 0;
}

/* A growable array of offsets, on the stack while small */
typedef struct {
    Py_ssize_t *at, count, cap;
    Py_ssize_t small[256];
} Offsets;

static void offsets_init(Offsets *o) { o->at = o->small; o->count = 0; o->cap = 256; }

static int
offsets_add(Offsets *o, Py_ssize_t at)
{
    if (o->count == o->cap) {
        Py_ssize_t cap = o->cap * 2;
        Py_ssize_t *grown = o->at == o->small
            ? PyMem_Malloc((size_t)cap * sizeof *grown)
            : PyMem_Realloc(o->at, (size_t)cap * sizeof *grown);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        if (o->at == o->small)
            memcpy(grown, o->small, sizeof o->small);
        o->at = grown;
        o->cap = cap;
    }
    o->at[o->count++] = at;
    return 0;
}

static void offsets_free(Offsets *o) { if (o->at != o->small) PyMem_Free(o->at); }

/* What the one pass over the tags of sheetData finds: each row tag ('<' of '<row r="'),
 * the index of its first cell tag in cells, whether a "</c>" follows it (before the next
 * row tag), and every cell tag ('<' of '<c r="') */
typedef struct {
    Offsets rows, first_cell, closed, cells;
} Tags;

static void
tags_init(Tags *t)
{
    offsets_init(&t->rows);
    offsets_init(&t->first_cell);
    offsets_init(&t->closed);
    offsets_init(&t->cells);
}

static void
tags_free(Tags *t)
{
    offsets_free(&t->rows);
    offsets_free(&t->first_cell);
    offsets_free(&t->closed);
    offsets_free(&t->cells);
}

/* one '<' of sheetData: 1 when plain (and noted), 0 when odd, -1 on a memory error */
static int
tag_at(const char *s, Py_ssize_t i, Py_ssize_t b, Tags *t)
{
    if (odd_at(s, i, b))
        return 0;
    char next = s[i + 1];
    if (next == 'r' && starts(s, i, b, "<row r=\"", 8)) {
        if (offsets_add(&t->rows, i) < 0 || offsets_add(&t->first_cell, t->cells.count) < 0
                || offsets_add(&t->closed, 0) < 0)
            return -1;
    }
    else if (next == 'c' && starts(s, i, b, "<c r=\"", 6)) {
        if (offsets_add(&t->cells, i) < 0)
            return -1;
    }
    else if (next == '/' && t->rows.count > 0 && starts(s, i, b, "</c>", 4))
        t->closed.at[t->rows.count - 1] = 1;
    return 1;
}

/* the sheetData region [*start, *end) when the sheet is plain (1; its tags noted in t),
 * 0 when it is not, -1 on a memory error */
static int
plain_region(const char *s, Py_ssize_t len, Py_ssize_t *start, Py_ssize_t *end, Tags *t)
{
    Py_ssize_t a = find(s, 0, len, "<sheetData>", 11);
    Py_ssize_t b = rfind(s, len, "</sheetData>", 12);
    if (a < 0 || b < a || find(s, a + 1, len, "<sheetData>", 11) >= 0)
        return 0;
    Py_ssize_t i = a;
#ifdef SCAN16
    /* 16 bytes at a time: only a '<' followed by c, r, ! or / can be odd or noted */
    const __m128i lt = _mm_set1_epi8('<'), c = _mm_set1_epi8('c'), r = _mm_set1_epi8('r'),
                  bang = _mm_set1_epi8('!'), slash = _mm_set1_epi8('/');
    for (; i + 17 <= b; i += 16) {
        __m128i block = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i after = _mm_loadu_si128((const __m128i *)(s + i + 1));
        __m128i wanted = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(after, c),
                                                   _mm_cmpeq_epi8(after, r)),
                                      _mm_or_si128(_mm_cmpeq_epi8(after, bang),
                                                   _mm_cmpeq_epi8(after, slash)));
        unsigned mask = (unsigned)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpeq_epi8(block, lt), wanted));
        while (mask) {
            int tag = tag_at(s, i + __builtin_ctz(mask), b, t);
            if (tag <= 0)
                return tag;
            mask &= mask - 1;
        }
    }
#endif
    for (; i < b; i++) {
        const char *p = memchr(s + i, '<', (size_t)(b - i));
        if (p == NULL)
            break;
        i = p - s;
        int tag = tag_at(s, i, b, t);
        if (tag <= 0)
            return tag;
    }
    for (Py_ssize_t i = a; i < b; i++) {   /* sheetxml._PREFIXED: ":c" then space, / or > */
        const char *p = memchr(s + i, ':', (size_t)(b - i));
        if (p == NULL)
            break;
        i = p - s;
        if (i + 2 < b && s[i + 1] == 'c' && (is_space(s[i + 2]) || s[i + 2] == '/'
                                              || s[i + 2] == '>'))
            return 0;
    }
    *start = a;
    *end = b;
    return 1;
}

static PyObject *
locate(PyObject *self, PyObject *args)
{
    const char *s;
    Py_ssize_t len;
    PyObject *rows;
    if (!PyArg_ParseTuple(args, "y#O!", &s, &len, &PyList_Type, &rows))
        return NULL;
    Py_ssize_t start, end;
    Tags tags;
    tags_init(&tags);
    int plain = plain_region(s, len, &start, &end, &tags);
    if (plain <= 0) {
        tags_free(&tags);
        if (plain < 0)
            return NULL;
        Py_RETURN_NONE;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        tags_free(&tags);
        return NULL;
    }
    Py_ssize_t wanted = PyList_GET_SIZE(rows), w = 0;
    long previous = 0, previous_wanted = 0;
    Py_ssize_t nrows = tags.rows.count;
    for (Py_ssize_t k = 0; k < nrows; k++) {      /* every row: the order is checked too */
        Py_ssize_t piece = tags.rows.at[k] + 8;   /* the row's XML, as split() cuts it */
        Py_ssize_t next = k + 1 < nrows ? tags.rows.at[k + 1] : -1;
        Py_ssize_t stop_piece = next >= 0 ? next : end;
        long number = 0;
        Py_ssize_t d = piece;
        while (d < stop_piece && s[d] >= '0' && s[d] <= '9' && d - piece < 9)
            number = number * 10 + (s[d++] - '0');
        if (d == piece || d >= stop_piece || s[d] != '"' || number <= previous)
            goto ask_python;                      /* odd numbers, or not ascending */
        previous = number;
        while (w < wanted) {                      /* wanted rows, ascending, up to this one */
            PyObject *item = PyList_GET_ITEM(rows, w);
            if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) < 3
                    || !PyList_Check(PyTuple_GET_ITEM(item, 2))) {
                PyErr_SetString(PyExc_TypeError, "rows: (row, number, [(col, tag), ...])");
                goto error;
            }
            long row = PyLong_AsLong(PyTuple_GET_ITEM(item, 0));
            if (row == -1 && PyErr_Occurred())
                goto error;
            if (row <= previous_wanted)
                goto ask_python;                  /* not ascending: the Python loop copes */
            if (row > number)
                break;
            previous_wanted = row;
            w++;
            if (row < number)
                continue;                         /* not in the sheet */
            if (!tags.closed.at[k])
                break;                            /* no cell with content in this row */
            /* the row's cell tags: the first match of a wanted tag is among them */
            Py_ssize_t *starts_at = tags.cells.at + tags.first_cell.at[k];
            Py_ssize_t nstarts = (k + 1 < nrows ? tags.first_cell.at[k + 1] : tags.cells.count)
                                 - tags.first_cell.at[k];
            PyObject *cells = PyTuple_GET_ITEM(item, 2);
            Py_ssize_t ncells = PyList_GET_SIZE(cells);
            for (Py_ssize_t c = 0; c < ncells; c++) {
                PyObject *cell = PyList_GET_ITEM(cells, c);
                if (!PyTuple_Check(cell) || PyTuple_GET_SIZE(cell) < 2
                        || !PyBytes_Check(PyTuple_GET_ITEM(cell, 1))
                        || PyBytes_GET_SIZE(PyTuple_GET_ITEM(cell, 1)) == 0) {
                    PyErr_SetString(PyExc_TypeError, "cells: (col, b'<c r=\"C7\"')");
                    goto error;
                }
                PyObject *ctag = PyTuple_GET_ITEM(cell, 1);
                const char *tag = PyBytes_AS_STRING(ctag);
                Py_ssize_t n = PyBytes_GET_SIZE(ctag), at = -1;
                if (n < 6 || memcmp(tag, "<c r=\"", 6) != 0)
                    at = find_near(s, piece, stop_piece, tag, n);
                else {
                    for (Py_ssize_t c2 = 0; c2 < nstarts; c2++) {
                        if (starts_at[c2] + n <= stop_piece
                                && memcmp(s + starts_at[c2], tag, (size_t)n) == 0) {
                            at = starts_at[c2];
                            break;
                        }
                    }
                }
                if (at < 0)
                    continue;
                Py_ssize_t close = find_near(s, at, stop_piece, ">", 1);
                if (close < 0)
                    goto ask_python;              /* tag not closed in its row */
                if (s[close - 1] == '/')
                    continue;                     /* "<c r=.../>": an empty cell */
                Py_ssize_t stop = close + 1;
                Py_ssize_t cend = find_near(s, stop, stop_piece, "</c>", 4);
                if (cend < 0)
                    goto ask_python;              /* cell not closed in its row */
                PyObject *found = Py_BuildValue("(lOnnn)", row, PyTuple_GET_ITEM(cell, 0),
                                                at, stop, cend);
                if (found == NULL || PyList_Append(out, found) < 0) {
                    Py_XDECREF(found);
                    goto error;
                }
                Py_DECREF(found);
            }
            break;
        }
    }
    tags_free(&tags);
    return out;
ask_python:
    tags_free(&tags);
    Py_DECREF(out);
    Py_RETURN_NONE;
error:
    tags_free(&tags);
    Py_DECREF(out);
    return NULL;
}


/* --- decode: the values of located cells in the two shapes nearly every cell has -------- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* sheetxml._NUMBER.fullmatch(s[a:b]) */
static int
is_number(const char *s, Py_ssize_t a, Py_ssize_t b)
{
    Py_ssize_t i = a, n = 0;
    if (i < b && s[i] == '-')
        i++;
    while (i < b && is_digit(s[i])) {
        i++;
        n++;
    }
    if (n > 0) {
        if (i < b && s[i] == '.') {
            i++;
            while (i < b && is_digit(s[i]))
                i++;
        }
    }
    else {
        if (i >= b || s[i] != '.')
            return 0;
        i++;
        while (i < b && is_digit(s[i])) {
            i++;
            n++;
        }
        if (n == 0)
            return 0;
    }
    if (i < b && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < b && (s[i] == '+' || s[i] == '-'))
            i++;
        n = 0;
        while (i < b && is_digit(s[i])) {
            i++;
            n++;
        }
        if (n == 0)
            return 0;
    }
    return i == b;
}

/* sheetxml._S_ATTR.search(s[a:b]): the style number, -1 for none, -2 for too many digits */
static long
style_of(const char *s, Py_ssize_t a, Py_ssize_t b)
{
    for (Py_ssize_t i = a; i + 4 < b; i++) {
        if (!(is_space(s[i]) && s[i + 1] == 's' && s[i + 2] == '=' && s[i + 3] == '"'))
            continue;
        Py_ssize_t j = i + 4;
        long value = 0;
        while (j < b && is_digit(s[j]) && j - (i + 4) < 9)
            value = value * 10 + (s[j++] - '0');
        if (j < b && is_digit(s[j]))
            return -2;
        if (j > i + 4 && j < b && s[j] == '"')
            return value;
    }
    return -1;
}

/* A text the Python path would change (reader._value strips these, text_of resolves or
 * rejects the rest): an ASCII control other than tab and LF (CR included), '&', "_x". */
static int
text_needs_python(const char *s, Py_ssize_t a, Py_ssize_t b)
{
    for (Py_ssize_t i = a; i < b; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f || c == '&')
            return 1;
        if (c == '_' && i + 1 < b && s[i + 1] == 'x')
            return 1;
    }
    return 0;
}

/* A shared string as reader._value gives it: the same object (new reference), Py_None for
 * an empty one, or NULL (no error set) when it needs Python (controls, longer than max). */
static PyObject *
shared_value(PyObject *text, Py_ssize_t max_chars)
{
    if (!PyUnicode_Check(text) || PyUnicode_READY(text) < 0) {
        PyErr_Clear();
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n == 0)
        Py_RETURN_NONE;
    if (n > max_chars)
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
            return NULL;
    }
    Py_INCREF(text);
    return text;
}

/* The value of one located cell (tag s[at:stop], content s[stop:end]) as
 * sheetxml._cell_value followed by reader's conversion give it: a new reference, Py_None
 * for no value, or NULL without an error when Python has to decide (any other shape). */
static PyObject *
cell_value(const char *s, Py_ssize_t at, Py_ssize_t stop, Py_ssize_t end, PyObject *strings,
           PyObject *styles, Py_ssize_t max_chars)
{
    Py_ssize_t n = end - stop;
    const char *in = s + stop;
    if (n >= 16 && memcmp(in, "<is>", 4) == 0 && memcmp(in + n - 9, "</t></is>", 9) == 0) {
        Py_ssize_t a, b = end - 9;
        int trim;
        if (memcmp(in + 4, "<t>", 3) == 0) {
            a = stop + 7;
            trim = 1;
        }
        else if (n >= 37 && memcmp(in, "<is><t xml:space=\"preserve\">", 28) == 0) {
            a = stop + 28;
            trim = 0;
        }
        else
            return NULL;
        if (memchr(s + a, '<', (size_t)(b - a)) != NULL
                || find(s, at, stop, " t=\"inlineStr\"", 14) < 0
                || text_needs_python(s, a, b))
            return NULL;
        if (trim) {
            while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n'))
                a++;
            while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\n'))
                b--;
        }
        if (a == b)
            Py_RETURN_NONE;
        PyObject *text = PyUnicode_DecodeUTF8(s + a, b - a, "strict");
        if (text == NULL) {
            PyErr_Clear();
            return NULL;
        }
        if (PyUnicode_GET_LENGTH(text) > max_chars) {
            Py_DECREF(text);
            return NULL;
        }
        return text;
    }
    if (n >= 8 && memcmp(in, "<v>", 3) == 0 && memcmp(in + n - 4, "</v>", 4) == 0) {
        Py_ssize_t a = stop + 3, b = end - 4;
        if (memchr(s + a, '<', (size_t)(b - a)) != NULL)
            return NULL;
        if (find(s, at, stop, " t=", 3) < 0 || find(s, at, stop, " t=\"n\"", 6) >= 0) {
            if (!is_number(s, a, b))
                return NULL;
            if (PyDict_GET_SIZE(styles) > 0) {
                long style = style_of(s, at, stop);
                if (style == -2)
                    return NULL;
                if (style >= 0) {
                    PyObject *key = PyLong_FromLong(style);
                    if (key == NULL)
                        return NULL;
                    PyObject *kind = PyDict_GetItemWithError(styles, key);
                    Py_DECREF(key);
                    if (kind == NULL && PyErr_Occurred())
                        return NULL;
                    if (kind != NULL) {
                        int date = PyObject_IsTrue(kind);
                        if (date != 0) {          /* a date, or an error: Python decides */
                            PyErr_Clear();
                            return NULL;
                        }
                    }
                }
            }
            char *parsed;
            double number = PyOS_string_to_double(s + a, &parsed, NULL);
            if (number == -1.0 && PyErr_Occurred()) {
                PyErr_Clear();
                return NULL;
            }
            if (parsed != s + b)
                return NULL;
            if (number > -1e15 && number < 1e15 && (double)(long long)number == number)
                return PyLong_FromDouble(number);         /* reader._value: 3.0 -> 3 */
            return PyFloat_FromDouble(number);
        }
        if (find(s, at, stop, " t=\"s\"", 6) >= 0 && PyList_CheckExact(strings)) {
            if (b - a > 9)
                return NULL;
            Py_ssize_t index = 0;
            for (Py_ssize_t i = a; i < b; i++) {
                if (!is_digit(s[i]))
                    return NULL;
                index = index * 10 + (s[i] - '0');
            }
            if (index >= PyList_GET_SIZE(strings))
                return NULL;
            return shared_value(PyList_GET_ITEM(strings, index), max_chars);
        }
    }
    return NULL;
}

static PyObject *
decode(PyObject *self, PyObject *args)
{
    const char *s;
    Py_ssize_t len, max_chars;
    PyObject *located, *strings, *styles;
    if (!PyArg_ParseTuple(args, "y#O!OO!n", &s, &len, &PyList_Type, &located, &strings,
                          &PyDict_Type, &styles, &max_chars))
        return NULL;
    PyObject *values = PyDict_New(), *rest = PyList_New(0);
    if (values == NULL || rest == NULL)
        goto error;
    Py_ssize_t count = PyList_GET_SIZE(located);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = PyList_GET_ITEM(located, i);
        Py_ssize_t at, stop, end;
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 5) {
            PyErr_SetString(PyExc_TypeError, "located: (row, col, at, stop, end)");
            goto error;
        }
        at = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 2));
        stop = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 3));
        end = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 4));
        if (PyErr_Occurred())
            goto error;
        if (!(0 <= at && at < stop && stop <= end && end <= len)) {
            PyErr_SetString(PyExc_ValueError, "located: offsets outside the XML");
            goto error;
        }
        PyObject *value = cell_value(s, at, stop, end, strings, styles, max_chars);
        if (value == NULL) {
            if (PyErr_Occurred())
                goto error;
            if (PyList_Append(rest, item) < 0)
                goto error;
            continue;
        }
        if (value != Py_None) {
            PyObject *key = PyTuple_GetSlice(item, 0, 2);
            int failed = key == NULL || PyDict_SetItem(values, key, value) < 0;
            Py_XDECREF(key);
            if (failed) {
                Py_DECREF(value);
                goto error;
            }
        }
        Py_DECREF(value);
    }
    return Py_BuildValue("(NN)", values, rest);
error:
    Py_XDECREF(values);
    Py_XDECREF(rest);
    return NULL;
}

/* --- report tables: canonical text for reportbook.table_hash, rows for render_rows ------- */

typedef struct {
    char *data;
    Py_ssize_t len, cap;
} Buffer;

static int
buf_add(Buffer *b, const char *s, Py_ssize_t n)
{
    if (b->len + n > b->cap) {
        Py_ssize_t cap = b->cap ? b->cap : 1 << 16;
        while (cap < b->len + n)
            cap *= 2;
        char *data = PyMem_Realloc(b->data, (size_t)cap);
        if (data == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, (size_t)n);
    b->len += n;
    return 0;
}

static int buf_str(Buffer *b, const char *s) { return buf_add(b, s, (Py_ssize_t)strlen(s)); }

static int
buf_utf8(Buffer *b, PyObject *text)
{
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(text, &n);
    return s == NULL ? -1 : buf_add(b, s, n);
}

/* "n:" + format(value, ".15g") */
static int
buf_number(Buffer *b, double value)
{
    char *text = PyOS_double_to_string(value, 'g', 15, 0, NULL);
    if (text == NULL)
        return -1;
    int failed = buf_str(b, "n:") < 0 || buf_str(b, text) < 0;
    PyMem_Free(text);
    return failed ? -1 : 0;
}

/* the canonical text of one value, as reportbook.table_hash writes it */
static int
buf_canonical(Buffer *b, PyObject *v, PyObject *canonical)
{
    if (v == Py_None)
        return 0;
    if (PyUnicode_CheckExact(v)) {
        if (PyUnicode_GET_LENGTH(v) == 0)
            return 0;
        return buf_str(b, "s:") < 0 ? -1 : buf_utf8(b, v);
    }
    if (PyBool_Check(v))
        return buf_str(b, v == Py_True ? "b:1" : "b:0");
    if (PyFloat_CheckExact(v))
        return buf_number(b, PyFloat_AS_DOUBLE(v));
    if (PyLong_CheckExact(v)) {
        double value = PyLong_AsDouble(v);
        if (!(value == -1.0 && PyErr_Occurred()))
            return buf_number(b, value);
        PyErr_Clear();                    /* too big for a float: reportbook._canonical says */
    }
    PyObject *text = PyObject_CallOneArg(canonical, v);
    if (text == NULL)
        return -1;
    int failed = !PyUnicode_Check(text) || buf_utf8(b, text) < 0;
    if (failed && !PyErr_Occurred())
        PyErr_SetString(PyExc_TypeError, "canonical() must return str");
    Py_DECREF(text);
    return failed ? -1 : 0;
}

static PyObject *
canonical_rows(PyObject *self, PyObject *args)
{
    PyObject *rows, *canonical;
    Py_ssize_t width;
    if (!PyArg_ParseTuple(args, "OnO", &rows, &width, &canonical))
        return NULL;
    PyObject *seq = PySequence_Fast(rows, "rows: a sequence of rows");
    if (seq == NULL)
        return NULL;
    Buffer b = {NULL, 0, 0};
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *row = PySequence_Fast(PySequence_Fast_GET_ITEM(seq, i), "a row: a sequence");
        if (row == NULL)
            goto error;
        Py_ssize_t size = PySequence_Fast_GET_SIZE(row);
        for (Py_ssize_t j = 0; j < width; j++) {
            if ((j > 0 && buf_add(&b, "\x1f", 1) < 0)
                    || (j < size && buf_canonical(&b, PySequence_Fast_GET_ITEM(row, j),
                                                  canonical) < 0)) {
                Py_DECREF(row);
                goto error;
            }
        }
        Py_DECREF(row);
        if (buf_add(&b, "\x1e", 1) < 0)
            goto error;
    }
    Py_DECREF(seq);
    PyObject *out = PyBytes_FromStringAndSize(b.data ? b.data : "", b.len);
    PyMem_Free(b.data);
    return out;
error:
    Py_DECREF(seq);
    PyMem_Free(b.data);
    return NULL;
}

/* Python's float floor division (floatobject.c, _float_div_mod), for positive divisors */
static double
floor_div(double vx, double wx)
{
    double mod = fmod(vx, wx);
    double div = (vx - mod) / wx;
    if (mod && ((wx < 0) != (mod < 0)))
        div -= 1.0;
    if (!div)
        return copysign(0.0, vx / wx);
    double floordiv = floor(div);
    if (div - floordiv > 0.5)
        floordiv += 1.0;
    return floordiv;
}

/* text escaped as xml.sax.saxutils.escape does it (&, <, >) */
static int
buf_escaped(Buffer *b, PyObject *text)
{
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(text, &n);
    if (s == NULL)
        return -1;
    Py_ssize_t from = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *entity = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;"
                             : s[i] == '>' ? "&gt;" : NULL;
        if (entity == NULL)
            continue;
        if (buf_add(b, s + from, i - from) < 0 || buf_str(b, entity) < 0)
            return -1;
        from = i + 1;
    }
    return buf_add(b, s + from, n - from);
}

/* the number of text lines reportbook.render_rows gives a wrapped cell (1 when it fits) */
static long
wrapped_lines(PyObject *text, double width)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t newline = PyUnicode_FindChar(text, '\n', 0, n, 1);
    if (!((double)n > width || newline >= 0))
        return 1;
    long lines = 0;
    Py_ssize_t start = 0;
    for (Py_ssize_t i = 0; i <= n; i++) {
        if (i == n || PyUnicode_READ(kind, data, i) == '\n') {
            lines += 1 + (long)floor_div((double)(i - start) * 1.1, width);
            start = i + 1;
        }
    }
    return lines;
}

static PyObject *
render_rows(PyObject *self, PyObject *args)
{
    PyObject *rows, *letters, *attrs, *wraps;
    Py_ssize_t first_row;
    if (!PyArg_ParseTuple(args, "OnO!O!O!", &rows, &first_row, &PyList_Type, &letters,
                          &PyList_Type, &attrs, &PyList_Type, &wraps))
        return NULL;
    Py_ssize_t columns = PyList_GET_SIZE(letters) < PyList_GET_SIZE(attrs)
                         ? PyList_GET_SIZE(letters) : PyList_GET_SIZE(attrs);
    Py_ssize_t nwraps = PyList_GET_SIZE(wraps);
    for (Py_ssize_t k = 0; k < columns; k++) {
        if (!PyUnicode_Check(PyList_GET_ITEM(letters, k))
                || !PyUnicode_Check(PyList_GET_ITEM(attrs, k))) {
            PyErr_SetString(PyExc_TypeError, "letters and attrs: lists of str");
            return NULL;
        }
    }
    PyObject *seq = PySequence_Fast(rows, "rows: a sequence of rows");
    if (seq == NULL)
        return NULL;
    PyObject *empty = PyUnicode_FromStringAndSize("", 0);
    Buffer b = {NULL, 0, 0};
    PyObject *row = NULL;
    if (empty == NULL)
        goto error;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t i = 0; i < count; i++) {
        char number[32];
        snprintf(number, sizeof number, "%zd", first_row + i);
        row = PySequence_Fast(PySequence_Fast_GET_ITEM(seq, i), "a row: a sequence");
        if (row == NULL)
            goto error;
        Py_ssize_t size = PySequence_Fast_GET_SIZE(row);
        long lines = 1;
        for (Py_ssize_t w = 0; w < nwraps; w++) {
            PyObject *wrap = PyList_GET_ITEM(wraps, w);
            Py_ssize_t index;
            double width;
            if (!PyArg_ParseTuple(wrap, "nd", &index, &width))
                goto error;
            if (index < 0 || index >= size) {
                PyErr_SetString(PyExc_IndexError, "tuple index out of range");
                goto error;
            }
            PyObject *text = PySequence_Fast_GET_ITEM(row, index);
            if (PyUnicode_CheckExact(text)) {
                long found = wrapped_lines(text, width);
                lines = found > lines ? found : lines;
            }
        }
        if (buf_str(&b, "<row r=\"") < 0 || buf_str(&b, number) < 0)
            goto error;
        if (lines > 1) {
            char height[64];
            snprintf(height, sizeof height, "\" ht=\"%ld\" customHeight=\"1",
                     15 * lines < 409 ? 15 * lines : 409);
            if (buf_str(&b, height) < 0)
                goto error;
        }
        if (buf_str(&b, "\">") < 0)
            goto error;
        Py_ssize_t cells = size < columns ? size : columns;
        for (Py_ssize_t k = 0; k < cells; k++) {
            PyObject *v = PySequence_Fast_GET_ITEM(row, k);
            if (v == Py_None)
                continue;
            if (!PyUnicode_CheckExact(v) && !PyLong_CheckExact(v) && !PyFloat_CheckExact(v)
                    && !PyBool_Check(v)) {
                int equal = PyObject_RichCompareBool(v, empty, Py_EQ);
                if (equal < 0)
                    goto error;
                if (equal)
                    continue;
            }
            if (PyUnicode_CheckExact(v) && PyUnicode_GET_LENGTH(v) == 0)
                continue;
            if (buf_str(&b, "<c r=\"") < 0 || buf_utf8(&b, PyList_GET_ITEM(letters, k)) < 0
                    || buf_str(&b, number) < 0 || buf_str(&b, "\"") < 0
                    || buf_utf8(&b, PyList_GET_ITEM(attrs, k)) < 0)
                goto error;
            if (PyUnicode_CheckExact(v)) {
                if (buf_str(&b, " t=\"inlineStr\"><is><t xml:space=\"preserve\">") < 0
                        || buf_escaped(&b, v) < 0 || buf_str(&b, "</t></is></c>") < 0)
                    goto error;
            }
            else if (PyBool_Check(v)) {
                if (buf_str(&b, v == Py_True ? " t=\"b\"><v>1</v></c>"
                                             : " t=\"b\"><v>0</v></c>") < 0)
                    goto error;
            }
            else {
                PyObject *text = PyObject_Repr(v);
                if (text == NULL)
                    goto error;
                int failed = buf_str(&b, "><v>") < 0 || buf_utf8(&b, text) < 0
                             || buf_str(&b, "</v></c>") < 0;
                Py_DECREF(text);
                if (failed)
                    goto error;
            }
        }
        Py_CLEAR(row);
        if (buf_str(&b, "</row>") < 0)
            goto error;
    }
    Py_DECREF(seq);
    Py_DECREF(empty);
    PyObject *out = PyUnicode_DecodeUTF8(b.data ? b.data : "", b.len, "strict");
    PyMem_Free(b.data);
    return out;
error:
    Py_XDECREF(row);
    Py_DECREF(seq);
    Py_XDECREF(empty);
    PyMem_Free(b.data);
    return NULL;
}

/* reportbook.clean_row for every row: plain text and ints as they are, "" as None, the rest
 * (and text too long or holding characters a cell cannot keep) through cell_value */
static PyObject *
clean_rows(PyObject *self, PyObject *args)
{
    PyObject *rows, *cell_value;
    Py_ssize_t max_chars;
    if (!PyArg_ParseTuple(args, "OnO", &rows, &max_chars, &cell_value))
        return NULL;
    PyObject *seq = PySequence_Fast(rows, "rows: a sequence of rows");
    if (seq == NULL)
        return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    PyObject *out = PyList_New(count);
    if (out == NULL)
        goto error;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *row = PySequence_Fast(PySequence_Fast_GET_ITEM(seq, i), "a row: a sequence");
        if (row == NULL)
            goto error;
        Py_ssize_t size = PySequence_Fast_GET_SIZE(row);
        PyObject *clean = PyTuple_New(size);
        if (clean == NULL) {
            Py_DECREF(row);
            goto error;
        }
        PyList_SET_ITEM(out, i, clean);
        for (Py_ssize_t j = 0; j < size; j++) {
            PyObject *v = PySequence_Fast_GET_ITEM(row, j), *kept = NULL;
            int plain = v == Py_None || PyLong_CheckExact(v);
            if (PyUnicode_CheckExact(v)) {
                Py_ssize_t n = PyUnicode_GET_LENGTH(v);
                if (n == 0) {
                    v = Py_None;
                    plain = 1;
                }
                else if (n <= max_chars) {
                    int kind = PyUnicode_KIND(v);
                    const void *data = PyUnicode_DATA(v);
                    plain = 1;
                    for (Py_ssize_t k = 0; k < n; k++) {   /* reportbook._SUSPECT */
                        Py_UCS4 c = PyUnicode_READ(kind, data, k);
                        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0xFFFE || c == 0xFFFF) {
                            plain = 0;
                            break;
                        }
                    }
                }
            }
            if (plain) {
                Py_INCREF(v);
                kept = v;
            }
            else if ((kept = PyObject_CallOneArg(cell_value, v)) == NULL) {
                Py_DECREF(row);
                goto error;
            }
            PyTuple_SET_ITEM(clean, j, kept);
        }
        Py_DECREF(row);
    }
    Py_DECREF(seq);
    return out;
error:
    Py_DECREF(seq);
    Py_XDECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"locate", locate, METH_VARARGS,
     "locate(xml, rows) -> [(row, col, at, stop, end), ...] or None (ask sheetxml._locate)"},
    {"decode", decode, METH_VARARGS,
     "decode(xml, located, strings, styles, max_chars) -> (values, rest): the values of the\n"
     "cells in the two common shapes; rest: the located cells sheetxml decodes itself"},
    {"canonical_rows", canonical_rows, METH_VARARGS,
     "canonical_rows(rows, width, canonical) -> bytes: what reportbook.table_hash hashes"},
    {"clean_rows", clean_rows, METH_VARARGS,
     "clean_rows(rows, max_chars, cell_value) -> [tuple]: reportbook.clean_row of every row"},
    {"render_rows", render_rows, METH_VARARGS,
     "render_rows(rows, first_row, letters, attrs, wraps) -> str: reportbook.render_rows"},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "skpxl._speedups",
    "Optional C accelerator for skpxl.sheetxml (see _speedups.c).", -1, methods
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModule_Create(&module);
}
