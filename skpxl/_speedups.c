/* Optional accelerator for skpxl.sheetxml: where the wanted cells of a plain sheet are.
 *
 * locate(xml, rows) does in C what skpxl.sheetxml._locate does in Python, with the same
 * result: the plainness check of sheetData (every cell and row tag starts with a plain r,
 * no comment, CDATA or namespace prefix), the cut at row tags, and the lookup of each
 * wanted cell by its tag start.  It returns a list of (row, col, at, stop, end) offsets
 * into xml: the cell tag is xml[at:stop] and its content xml[stop:end] (up to "</c>").
 * It returns None whenever the Python version has to decide: a sheet that is not plain,
 * row numbers that are not plain digits or not strictly ascending, a tag or cell that is
 * not closed inside its row, and arguments of any other shape than the reader's (then
 * the Python version raises what it raises).
 *
 * The workbooks this reads come from anyone, so: every search is bounded by the sheetData
 * region or the row; offsets are Py_ssize_t into one bytes object and never leave it; the
 * wanted rows are copied into tuples this function alone holds before anything that could
 * run Python code (an allocation can start the garbage collector, and a finalizer can
 * change the caller's lists), and the only objects called into are exact bytes and tuples.
 * tests/test_sheetxml.py compares it with the Python version on real, bent and truncated
 * sheets; .ci/sanitizers runs those tests and tools/fuzz_locate.py under AddressSanitizer
 * and UndefinedBehaviorSanitizer.  Decoding the cells, and the report writers, stay in
 * Python: C versions of them bought too little to be worth trusting (benchmarks/results.md).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
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
        if (o->cap > PY_SSIZE_T_MAX / 2 / (Py_ssize_t)sizeof *o->at) {
            PyErr_NoMemory();
            return -1;
        }
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

/* One wanted row, as the reader passes it: (row, number as bytes, [(col, tag), ...]) */
typedef struct {
    PyObject *item;          /* the (row, number, cells) tuple: borrowed from the snapshot */
    PyObject *cells;         /* a tuple of (col, tag) tuples: owned */
    long number;             /* the row number, or -1 when no plain row can have it */
} Wanted;

/* b"7" -> 7: 1 to 9 digits, no leading zero (how every plain row number is written), or -1
 * (then no row of a plain sheet matches it, as in the Python version's lookup) */
static long
row_number(PyObject *digits)
{
    const char *d = PyBytes_AS_STRING(digits);
    Py_ssize_t n = PyBytes_GET_SIZE(digits);
    if (n < 1 || n > 9 || !is_nonzero_digit(d[0]))
        return -1;
    long number = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (d[i] < '0' || d[i] > '9')
            return -1;
        number = number * 10 + (d[i] - '0');
    }
    return number;
}

/* a cell as the reader passes it: (col, tag), the tag exact bytes starting with '<c r="' */
static int
plain_cell(PyObject *cell)
{
    if (!PyTuple_CheckExact(cell) || PyTuple_GET_SIZE(cell) != 2)
        return 0;
    PyObject *tag = PyTuple_GET_ITEM(cell, 1);
    return PyBytes_CheckExact(tag) && PyBytes_GET_SIZE(tag) >= 6
           && memcmp(PyBytes_AS_STRING(tag), "<c r=\"", 6) == 0;
}

/* The wanted rows, copied: *snapshot (a tuple of the rows) and wanted[] (its cells as
 * tuples) hold everything read later.  1 when every row has the reader's shape, 0 when
 * one does not (the Python version decides), -1 on an error. */
static int
wanted_rows(PyObject *rows, PyObject **snapshot, Wanted **wanted, Py_ssize_t *count)
{
    *wanted = NULL;
    *count = 0;
    *snapshot = PyList_AsTuple(rows);
    if (*snapshot == NULL)
        return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(*snapshot);
    *wanted = PyMem_Calloc(n > 0 ? (size_t)n : 1, sizeof(Wanted));
    if (*wanted == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(*snapshot, i);
        if (!PyTuple_CheckExact(item) || PyTuple_GET_SIZE(item) != 3
                || !PyBytes_CheckExact(PyTuple_GET_ITEM(item, 1)))
            return 0;
        PyObject *cells = PyTuple_GET_ITEM(item, 2);
        if (!PyList_CheckExact(cells) && !PyTuple_CheckExact(cells))
            return 0;
        cells = PySequence_Tuple(cells);   /* a list: copied; a tuple: itself */
        if (cells == NULL)
            return -1;
        (*wanted)[i].item = item;
        (*wanted)[i].cells = cells;
        (*wanted)[i].number = row_number(PyTuple_GET_ITEM(item, 1));
        *count = i + 1;
        for (Py_ssize_t c = 0; c < PyTuple_GET_SIZE(cells); c++) {
            if (!plain_cell(PyTuple_GET_ITEM(cells, c)))
                return 0;
        }
    }
    return 1;
}

static void
wanted_free(PyObject *snapshot, Wanted *wanted, Py_ssize_t count)
{
    for (Py_ssize_t i = 0; i < count; i++)
        Py_XDECREF(wanted[i].cells);
    PyMem_Free(wanted);
    Py_XDECREF(snapshot);
}

/* The number of each row tag (k: "<row r=\"" at rows.at[k]), into numbers[]: 1 when every
 * one is plain digits closed by '"' and they ascend strictly, 0 otherwise */
static int
row_numbers(const char *s, Py_ssize_t end, const Tags *t, long *numbers)
{
    long previous = 0;
    for (Py_ssize_t k = 0; k < t->rows.count; k++) {
        Py_ssize_t piece = t->rows.at[k] + 8;
        Py_ssize_t stop = k + 1 < t->rows.count ? t->rows.at[k + 1] : end;
        Py_ssize_t d = piece;
        long number = 0;
        while (d < stop && s[d] >= '0' && s[d] <= '9' && d - piece < 9)
            number = number * 10 + (s[d++] - '0');
        if (d == piece || d >= stop || s[d] != '"' || number <= previous)
            return 0;
        numbers[k] = previous = number;
    }
    return 1;
}

/* the k with numbers[k] == number (numbers ascending), or -1 */
static Py_ssize_t
row_index(const long *numbers, Py_ssize_t count, long number)
{
    Py_ssize_t low = 0, high = count;
    while (low < high) {
        Py_ssize_t mid = low + (high - low) / 2;
        if (numbers[mid] < number)
            low = mid + 1;
        else
            high = mid;
    }
    return low < count && numbers[low] == number ? low : -1;
}

/* The located cells of one wanted row (row k of the sheet, up to the next row tag, as
 * split() cuts it) appended to out: 0; 1 when the Python version has to decide (a tag or
 * cell not closed in its row); -1 on an error */
static int
locate_row(const char *s, Py_ssize_t end, const Tags *t, Py_ssize_t k, const Wanted *w,
           PyObject *out)
{
    Py_ssize_t stop_piece = k + 1 < t->rows.count ? t->rows.at[k + 1] : end;
    /* the row's cell tags: the first match of a wanted tag is among them */
    const Py_ssize_t *starts_at = t->cells.at + t->first_cell.at[k];
    Py_ssize_t nstarts = (k + 1 < t->rows.count ? t->first_cell.at[k + 1] : t->cells.count)
                         - t->first_cell.at[k];
    for (Py_ssize_t c = 0; c < PyTuple_GET_SIZE(w->cells); c++) {
        PyObject *cell = PyTuple_GET_ITEM(w->cells, c);
        PyObject *ctag = PyTuple_GET_ITEM(cell, 1);
        const char *tag = PyBytes_AS_STRING(ctag);
        Py_ssize_t n = PyBytes_GET_SIZE(ctag), at = -1;
        for (Py_ssize_t c2 = 0; c2 < nstarts; c2++) {
            if (starts_at[c2] <= stop_piece - n
                    && memcmp(s + starts_at[c2], tag, (size_t)n) == 0) {
                at = starts_at[c2];
                break;
            }
        }
        if (at < 0)
            continue;
        Py_ssize_t close = find_near(s, at, stop_piece, ">", 1);
        if (close < 0)
            return 1;                            /* tag not closed in its row */
        if (s[close - 1] == '/')
            continue;                            /* "<c r=.../>": an empty cell */
        Py_ssize_t stop = close + 1;
        Py_ssize_t cend = find_near(s, stop, stop_piece, "</c>", 4);
        if (cend < 0)
            return 1;                            /* cell not closed in its row */
        PyObject *found = Py_BuildValue("(OOnnn)", PyTuple_GET_ITEM(w->item, 0),
                                        PyTuple_GET_ITEM(cell, 0), at, stop, cend);
        if (found == NULL || PyList_Append(out, found) < 0) {
            Py_XDECREF(found);
            return -1;
        }
        Py_DECREF(found);
    }
    return 0;
}

static PyObject *
locate(PyObject *self, PyObject *args)
{
    PyObject *xml, *rows;
    if (!PyArg_ParseTuple(args, "OO:locate", &xml, &rows))
        return NULL;
    if (!PyBytes_CheckExact(xml) || !PyList_CheckExact(rows))
        Py_RETURN_NONE;                          /* not the reader's shape: Python decides */
    const char *s = PyBytes_AS_STRING(xml);
    Py_ssize_t len = PyBytes_GET_SIZE(xml), start, end, count;
    PyObject *snapshot, *out = NULL;
    Wanted *wanted;
    long *numbers = NULL;
    Tags tags;
    tags_init(&tags);
    int status = wanted_rows(rows, &snapshot, &wanted, &count);
    if (status > 0)
        status = plain_region(s, len, &start, &end, &tags);
    if (status > 0) {
        numbers = PyMem_Calloc(tags.rows.count > 0 ? (size_t)tags.rows.count : 1,
                               sizeof *numbers);
        if (numbers == NULL) {
            PyErr_NoMemory();
            status = -1;
        }
        else
            status = row_numbers(s, end, &tags, numbers);
    }
    if (status > 0 && (out = PyList_New(0)) == NULL)
        status = -1;
    for (Py_ssize_t i = 0; status > 0 && i < count; i++) {
        Py_ssize_t k = row_index(numbers, tags.rows.count, wanted[i].number);
        if (k < 0 || !tags.closed.at[k])
            continue;                            /* no such row, or no cell with content */
        int located = locate_row(s, end, &tags, k, &wanted[i], out);
        status = located < 0 ? -1 : located > 0 ? 0 : 1;
    }
    PyMem_Free(numbers);
    tags_free(&tags);
    wanted_free(snapshot, wanted, count);
    if (status > 0)
        return out;
    Py_XDECREF(out);
    if (status < 0)
        return NULL;
    Py_RETURN_NONE;                              /* the Python version decides */
}

static PyMethodDef methods[] = {
    {"locate", locate, METH_VARARGS,
     "locate(xml, rows) -> [(row, col, at, stop, end), ...] or None (ask sheetxml._locate)"},
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
