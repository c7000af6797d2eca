/* Optional accelerator for skpxl.sheetxml: where the wanted cells of a plain sheet are.
 *
 * locate(xml, rows) does in C what skpxl.sheetxml._locate does in Python, with the same
 * result: the plainness check of sheetData (every cell and row tag starts with a plain r,
 * no comment, CDATA or namespace prefix), the cut at row tags, and the lookup of each
 * wanted cell by its tag start.  It returns a list of (row, col, at, stop, end) offsets
 * into xml: the cell tag is xml[at:stop] and its content xml[stop:end] (up to "</c>").
 *
 * It returns None whenever the Python version has to decide: a sheet that is not plain,
 * row numbers that are not plain digits or not strictly ascending, a tag or cell that is
 * not closed inside its row.  The Python version then runs, so both always agree; the
 * tests run every reader comparison with and without this module.
 *
 * Nothing here allocates per byte; all searches are bounded by the sheetData region.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* first occurrence of pat[0:n] in s[from:to], or -1 */
static Py_ssize_t
find(const char *s, Py_ssize_t from, Py_ssize_t to, const char *pat, Py_ssize_t n)
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
    for (Py_ssize_t i = len - n; i >= 0; i--) {
        if (s[i] == pat[0] && memcmp(s + i, pat, (size_t)n) == 0)
            return i;
    }
    return -1;
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

/* the sheetData region [*start, *end) when the sheet is plain; 0 when it is not */
static int
plain_region(const char *s, Py_ssize_t len, Py_ssize_t *start, Py_ssize_t *end)
{
    Py_ssize_t a = find(s, 0, len, "<sheetData>", 11);
    Py_ssize_t b = rfind(s, len, "</sheetData>", 12);
    if (a < 0 || b < a || find(s, a + 1, len, "<sheetData>", 11) >= 0)
        return 0;
    for (Py_ssize_t i = a; i < b; i++) {
        const char *p = memchr(s + i, '<', (size_t)(b - i));
        if (p == NULL)
            break;
        i = p - s;
        if (odd_at(s, i, b))
            return 0;
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
    if (!plain_region(s, len, &start, &end))
        Py_RETURN_NONE;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    Py_ssize_t wanted = PyList_GET_SIZE(rows), w = 0;
    long previous = 0, previous_wanted = 0;
    Py_ssize_t tag = find(s, start, end, "<row r=\"", 8);
    while (tag >= 0) {                            /* every row: the order is checked too */
        Py_ssize_t piece = tag + 8;               /* the row's XML, as split() cuts it */
        Py_ssize_t next = find(s, piece, end, "<row r=\"", 8);
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
            if (find(s, piece, stop_piece, "</c>", 4) < 0)
                break;                            /* no cell with content in this row */
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
                Py_ssize_t at = find(s, piece, stop_piece, PyBytes_AS_STRING(ctag),
                                     PyBytes_GET_SIZE(ctag));
                if (at < 0)
                    continue;
                Py_ssize_t close = find(s, at, stop_piece, ">", 1);
                if (close < 0)
                    goto ask_python;              /* tag not closed in its row */
                if (s[close - 1] == '/')
                    continue;                     /* "<c r=.../>": an empty cell */
                Py_ssize_t stop = close + 1;
                Py_ssize_t cend = find(s, stop, stop_piece, "</c>", 4);
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
        tag = next;
    }
    return out;
ask_python:
    Py_DECREF(out);
    Py_RETURN_NONE;
error:
    Py_DECREF(out);
    return NULL;
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
