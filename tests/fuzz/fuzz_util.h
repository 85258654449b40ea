/* fuzz_util.h - what the libFuzzer targets share: the fuzzer's bytes as a
 * file the readers can open by path (an in-memory file, no disk I/O), and
 * a check that a failure's message has the promised shape. */
#ifndef CHURN_FUZZ_UTIL_H
#define CHURN_FUZZ_UTIL_H

#define _GNU_SOURCE
#include "churn.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A memfd holding bytes, reachable by path as /proc/self/fd/N. Opening
 * the path again (the tabular reader reads twice) starts at offset 0. */
typedef struct fuzz_file {
    int fd;
    char path[64];
} fuzz_file;

/* Creates the file once per process; aborts when the system cannot. */
static inline void fuzz_file_init(fuzz_file *f, const char *name)
{
    f->fd = memfd_create(name, 0);
    if (f->fd < 0) {
        perror("memfd_create");
        abort();
    }
    snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
}

/* Replaces the file's contents with data[0..size). */
static inline void fuzz_file_set(fuzz_file *f, const uint8_t *data,
                                 size_t size)
{
    if (ftruncate(f->fd, 0) != 0 ||
        (size && pwrite(f->fd, data, size, 0) != (ssize_t)size)) {
        perror("fuzz_file_set");
        abort();
    }
}

/* Every failure must carry a known status and a non-empty message that
 * names the file; anything else is a defect the fuzzer should report. */
static inline void fuzz_check_error(int rc, const churn_error *err)
{
    if (rc == CHURN_OK)
        return;
    if (rc < CHURN_ENOMEM || rc > CHURN_EEMPTY || err->code != rc ||
        err->message[0] == '\0' ||
        memchr(err->message, '\0', sizeof err->message) == NULL) {
        fprintf(stderr, "bad error: rc %d code %d message '%s'\n", rc,
                err->code, err->message);
        abort();
    }
}

/* A failure caused by the input (bad text, structure, version, checksum,
 * no data) must say where: its message starts with the file's path. */
static inline void fuzz_check_place(int rc, const churn_error *err,
                                    const char *path)
{
    fuzz_check_error(rc, err);
    if (rc != CHURN_EPARSE && rc != CHURN_EFORMAT && rc != CHURN_EVERSION &&
        rc != CHURN_ECHECKSUM && rc != CHURN_EEMPTY)
        return;
    size_t n = strlen(path);
    if (strncmp(err->message, path, n) != 0 || err->message[n] != ':') {
        fprintf(stderr, "error without its place: '%s'\n", err->message);
        abort();
    }
}

#endif
