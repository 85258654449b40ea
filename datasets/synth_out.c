/* synth_out.c - the synthesizers' output files: a big buffer in front of
 * an atomic file, which rows are formatted straight into (synth.c's
 * histories, synth_table.c's tables; synth_files.c opens and commits
 * them). */
#include "datasets/synth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void churn__synth_flush(churn__synth_out *o)
{
    FILE *f = churn__afile_stream(o->file);
    if (o->len && fwrite(o->buf, 1, o->len, f) != o->len)
        o->failed = 1;
    o->len = 0;
}

/* Opens path for atomic writing, with its buffer and header line; takes
 * ownership of path (freed by churn__synth_abort). */
int churn__synth_open(churn__synth_out *o, char *path, const char *header,
                      churn_error *err)
{
    o->path = path;
    o->buf = malloc(CHURN__SYNTH_OUT_CAP);
    if (!o->buf)
        return churn__fail_nomem(err);
    int rc = churn__afile_open(path, &o->file, err);
    if (rc != CHURN_OK)
        return rc;
    o->len = strlen(header);
    memcpy(o->buf, header, o->len);
    return CHURN_OK;
}

/* Flushes and renames the file into place. */
int churn__synth_commit(churn__synth_out *o, churn_error *err)
{
    churn__synth_flush(o);
    int rc = CHURN_OK;
    if (o->failed) {
        churn__afile_abort(o->file);
        rc = churn__fail_at(err, CHURN_EIO, o->path, 0, 0,
                            "cannot write output file: %s", strerror(errno));
    } else {
        rc = churn__afile_commit(o->file, err);
    }
    o->file = NULL;
    return rc;
}

/* Drops the file (unless committed) and frees the buffer and path. */
void churn__synth_abort(churn__synth_out *o)
{
    churn__afile_abort(o->file);
    o->file = NULL;
    free(o->buf);
    o->buf = NULL;
    free(o->path);
    o->path = NULL;
}
