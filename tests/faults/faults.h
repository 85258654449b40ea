/* faults.h - what the sweep (faults.c) shares with the way allocation N
 * is made to fail: wrap.c (under ASan, -Wl,--wrap: our own objects only)
 * or interpose.c (no sanitizer: malloc and friends of the whole process,
 * GSL, OpenBLAS, XGBoost and the C library included). */
#ifndef FAULTS_H
#define FAULTS_H

#include <stddef.h>

extern unsigned long faults_fail_at;  /* the allocation to fail (0 = none) */
extern unsigned long faults_trace_at; /* print a stack trace there */
extern int faults_failed;             /* whether it has failed */
void faults_reset(void);              /* a run begins: count from 0 */

/* Counts one allocation; 1 when this one is to fail. Only one fails, so
 * the run also shows that nothing after the failure hides it. */
int faults_should_fail(void);

/* Each mechanism: what it reaches (a line for the summary), a stack
 * trace of the current allocation, the leak check (the sweep begins after
 * a clean run; 0 when nothing has leaked since; why says what did), and
 * whether a failed run may end in status besides CHURN_ENOMEM. */
extern const char faults_reach[];
void faults_print_trace(void);
void faults_sweep_begins(void);
int faults_run_leaked(char *why, size_t size);
int faults_also_ok(int status, const char *message);

/* Prints what the mechanism counted but never failed, if anything. */
void faults_print_exempt(void);

#endif
