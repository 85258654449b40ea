/* logit.c - the logistic function and log(1 + e^t), written once for the
 * logistic fit, Platt's calibration and the survival hazards. */
#include "models/logistic.h"

#include <math.h>

double churn__sigmoid(double t)
{
    /* e <= 1 on both branches: neither overflows. */
    double e = exp(-fabs(t));
    return t >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

double churn__log1p_exp(double t)
{
    return t > 0 ? t + log1p(exp(-t)) : log1p(exp(t));
}
