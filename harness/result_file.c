/*
 * result_file.c - reads racelab's JSON result files back (see
 * result_file.h) with jansson, checking every field it uses, so that a
 * result cut short or edited by hand is graded again rather than trusted.
 */
#include "result_file.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static bool is_text(const json_t *o, const char *key)
{
    return json_is_string(json_object_get(o, key));
}

static bool is_number(const json_t *o, const char *key)
{
    return json_is_number(json_object_get(o, key));
}

static const char *text(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* A lab of the result is usable: its id, a known state and its checks scored. */
static bool lab_complete(const json_t *lab)
{
    if (!json_is_object(lab) || !is_text(lab, "id") || !is_text(lab, "state"))
        return false;
    const char *state = text(lab, "state");
    if (strcmp(state, "graded") != 0 && strcmp(state, "not-submitted") != 0 &&
        strcmp(state, "build-failed") != 0 && strcmp(state, "error") != 0)
        return false;
    const json_t *checks = json_object_get(lab, "checks");
    if (!json_is_array(checks))
        return false;
    for (size_t i = 0; i < json_array_size(checks); i++) {
        const json_t *c = json_array_get(checks, i);
        if (!json_is_object(c) || !is_text(c, "id") || !is_number(c, "points") ||
            !is_number(c, "score"))
            return false;
    }
    return true;
}

static bool has_lab(const json_t *labs, const char *id)
{
    for (size_t i = 0; i < json_array_size(labs); i++)
        if (strcmp(text(json_array_get(labs, i), "id"), id) == 0)
            return true;
    return false;
}

static void add_rows(const json_t *root, const char *student, gradebook *g, char **reason)
{
    const json_t *labs = json_object_get(root, "labs");
    for (size_t i = 0; i < json_array_size(labs); i++) {
        const json_t *lab = json_array_get(labs, i);
        char *note = NULL;
        if (strcmp(text(lab, "state"), "graded") != 0) {
            note = xasprintf("%s: %s", text(lab, "state"), text(lab, "message"));
            if (!*reason)
                *reason = xstrdup(note);
        }
        const json_t *checks = json_object_get(lab, "checks");
        for (size_t k = 0; g && k < json_array_size(checks); k++) {
            const json_t *c = json_array_get(checks, k);
            gradebook_add(g, student, text(lab, "id"), text(c, "id"),
                          json_number_value(json_object_get(c, "score")),
                          json_number_value(json_object_get(c, "points")), note);
        }
        free(note);
    }
    if (g)
        gradebook_add(g, student, GRADEBOOK_TOTAL_LAB, "",
                      json_number_value(json_object_get(root, "score")),
                      json_number_value(json_object_get(root, "max_score")), *reason);
}

bool result_file_read(const char *path, const char *student, const strlist *labs, gradebook *g,
                      result_summary *sum)
{
    if (sum)
        memset(sum, 0, sizeof *sum);
    if (!path_is_regular(path))
        return false;
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    const json_t *jl = json_object_get(root, "labs");
    bool ok = json_is_object(root) && json_integer_value(json_object_get(root, "schema")) == 1 &&
              json_is_array(jl) && is_number(root, "score") && is_number(root, "max_score");
    for (size_t i = 0; ok && i < json_array_size(jl); i++)
        ok = lab_complete(json_array_get(jl, i));
    for (size_t k = 0; ok && labs && k < labs->n; k++)
        ok = has_lab(jl, labs->items[k]);
    if (ok) {
        char *reason = NULL;
        add_rows(root, student, g, &reason);
        for (size_t i = 0; sum && i < json_array_size(jl); i++)
            sum->grader_error |= strcmp(text(json_array_get(jl, i), "state"), "error") == 0;
        if (sum) {
            sum->score = json_number_value(json_object_get(root, "score"));
            sum->max_score = json_number_value(json_object_get(root, "max_score"));
            sum->reason = reason;
        } else {
            free(reason);
        }
    }
    json_decref(root);
    return ok;
}

void result_summary_free(result_summary *sum)
{
    free(sum->reason);
    sum->reason = NULL;
}
