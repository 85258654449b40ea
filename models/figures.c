/* figures.c - the figures more than one family records (family.h): one
 * name, one meaning, whichever family fits. Below the families and the
 * registry (family.c), which finds figures by name. */
#include "models/family.h"

const churn__figure churn__figure_c = {"c", "C ", "", 6, 0};
const churn__figure churn__figure_gamma = {"gamma", "gamma ", "", 4, 0};
const churn__figure churn__figure_newton_iterations = {
    "newton_iterations", "", " Newton iterations", 0, 1};
