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

static PyMethodDef methods[] = {
    {"locate", locate, METH_VARARGS,
     "locate(xml, rows) -> [(row, col, at, stop, end), ...] or None (ask sheetxml._locate)"},
    {"decode", decode, METH_VARARGS,
     "decode(xml, located, strings, styles, max_chars) -> (values, rest): the values of the\n"
     "cells in the two common shapes; rest: the located cells sheetxml decodes itself"},
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
