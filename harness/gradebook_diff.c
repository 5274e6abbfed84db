/*
 * gradebook_diff.c - compares two gradebooks (see gradebook_diff.h): both
 * are sorted by (student, lab, check) through arrays of pointers, then
 * walked side by side one student at a time, so a class of any size is
 * compared in O(n log n) without touching the gradebooks themselves.
 */
#include "gradebook_diff.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SAME(a, b) (fabs((a) - (b)) < 1e-6)

typedef struct {
    const gradebook_row **rows;
    size_t n;
} sorted_rows;

static int compare_rows(const void *x, const void *y)
{
    return gradebook_row_compare(*(const gradebook_row *const *)x,
                                 *(const gradebook_row *const *)y);
}

static sorted_rows sort_rows(const gradebook *g)
{
    sorted_rows s = {.rows = xcalloc(g->n + 1, sizeof *s.rows), .n = g->n};
    for (size_t i = 0; i < g->n; i++)
        s.rows[i] = &g->rows[i];
    qsort(s.rows, s.n, sizeof *s.rows, compare_rows);
    return s;
}

/* The rows of one student: [from, to) of a sorted array. */
typedef struct {
    const gradebook_row *const *rows;
    size_t n;
} student_rows;

static student_rows next_student(const sorted_rows *s, size_t *at, const char *name)
{
    student_rows r = {.rows = s->rows + *at};
    while (*at < s->n && strcmp(s->rows[*at]->student, name) == 0) {
        (*at)++;
        r.n++;
    }
    return r;
}

/* The student's total and maximum: the total row, else the sum of the rest. */
static void totals(const student_rows *r, double *points, double *max)
{
    *points = *max = 0;
    for (size_t i = 0; i < r->n; i++)
        if (gradebook_is_total(r->rows[i])) {
            *points = r->rows[i]->points;
            *max = r->rows[i]->max_points;
            return;
        }
    for (size_t i = 0; i < r->n; i++) {
        *points += r->rows[i]->points;
        *max += r->rows[i]->max_points;
    }
}

static void append_points(strbuf *out, const gradebook_row *r, bool with_max)
{
    if (!r)
        sb_append(out, "(none)");
    else if (with_max)
        sb_printf(out, "%g/%g", r->points, r->max_points);
    else
        sb_printf(out, "%g", r->points);
}

static void check_line(strbuf *out, const gradebook_row *o, const gradebook_row *n)
{
    const gradebook_row *any = o ? o : n;
    char *lab = gradebook_display(any->lab), *check = gradebook_display(any->check);
    bool with_max = o && n && !SAME(o->max_points, n->max_points);
    sb_printf(out, "    %s %s: ", lab, *check ? check : "(none)");
    append_points(out, o, with_max);
    sb_append(out, " \u2192 ");
    append_points(out, n, with_max);
    sb_append(out, "\n");
    free(lab);
    free(check);
}

/* Appends the lines of the checks that differ between o and n (both
 * sorted by lab and check); returns how many. */
static size_t changed_checks(const student_rows *o, const student_rows *n, strbuf *out)
{
    size_t i = 0, j = 0, changed = 0;
    while (i < o->n || j < n->n) {
        const gradebook_row *a = i < o->n ? o->rows[i] : NULL, *b = j < n->n ? n->rows[j] : NULL;
        int d = !a ? 1 : !b ? -1 : compare_rows(&a, &b);
        if (d < 0)
            b = NULL, i++;
        else if (d > 0)
            a = NULL, j++;
        else
            i++, j++;
        if ((a && gradebook_is_total(a)) || (b && gradebook_is_total(b)))
            continue;
        if (a && b && SAME(a->points, b->points) && SAME(a->max_points, b->max_points))
            continue;
        check_line(out, a, b);
        changed++;
    }
    return changed;
}

/* Compares one student's rows (either side may be empty); appends the
 * block when something changed. */
static void diff_student(const char *name, const student_rows *o, const student_rows *n,
                         strbuf *out, gradebook_diff_stats *st)
{
    double op = 0, om = 0, np = 0, nm = 0;
    totals(o, &op, &om);
    totals(n, &np, &nm);
    strbuf checks;
    sb_init(&checks);
    size_t nchanged = o->n && n->n ? changed_checks(o, n, &checks) : 0;
    bool total_changed = !SAME(op, np) || !SAME(om, nm);
    st->students++;
    if (o->n && n->n && !total_changed && nchanged == 0) {
        sb_free(&checks);
        return;
    }
    st->changed++;
    char *who = gradebook_display(name);
    sb_printf(out, "%s: ", who);
    if (!n->n) {
        sb_printf(out, "%g/%g \u2192 (not in the new gradebook)\n", op, om);
        st->only_old++;
    } else if (!o->n) {
        sb_printf(out, "(not in the old gradebook) \u2192 %g/%g\n", np, nm);
        st->only_new++;
    } else {
        sb_printf(out, "%g/%g \u2192 %g/%g", op, om, np, nm);
        if (SAME(op, np))
            sb_append(out, " (total unchanged)\n");
        else
            sb_printf(out, " (%+g)\n", np - op);
        if (np > op + 1e-6)
            st->up++;
        else if (np < op - 1e-6)
            st->down++;
        else
            st->same_total++;
    }
    sb_append(out, checks.data);
    sb_free(&checks);
    free(who);
}

void gradebook_diff(const gradebook *old, const gradebook *new_, strbuf *out,
                    gradebook_diff_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    sorted_rows a = sort_rows(old), b = sort_rows(new_);
    size_t i = 0, j = 0;
    while (i < a.n || j < b.n) {
        const char *na = i < a.n ? a.rows[i]->student : NULL;
        const char *nb = j < b.n ? b.rows[j]->student : NULL;
        int d = !na ? 1 : !nb ? -1 : strcmp(na, nb);
        const char *name = d <= 0 ? na : nb;
        student_rows o = {0}, n = {0};
        if (d <= 0)
            o = next_student(&a, &i, name);
        if (d >= 0)
            n = next_student(&b, &j, name);
        diff_student(name, &o, &n, out, stats);
    }
    free(a.rows);
    free(b.rows);
}

void gradebook_diff_summary(const gradebook_diff_stats *s, strbuf *out)
{
    if (s->changed == 0) {
        sb_printf(out, "no changes: %zu student%s, the same points in every check\n", s->students,
                  s->students == 1 ? "" : "s");
        return;
    }
    sb_printf(out,
              "%zu of %zu student%s changed: %zu up, %zu down, %zu with the same total, %zu only "
              "in the old gradebook, %zu only in the new\n",
              s->changed, s->students, s->students == 1 ? "" : "s", s->up, s->down, s->same_total,
              s->only_old, s->only_new);
}
