/* xgb_lib.h - XGBoost's C functions, loaded from its library the first
 * time a gbdt model is trained or read (xgb_lib.c) rather than linked:
 * the library and the C++ runtime behind it took 5-6 ms of every start
 * of every program linking libchurn, most of which never use it. Private
 * to models/xgb*.c. */
#ifndef CHURN_MODELS_XGB_LIB_H
#define CHURN_MODELS_XGB_LIB_H

#include "ml/internal.h"

#include <xgboost/c_api.h>

/* The library, by its soname (Debian's libxgboost0). */
#define CHURN__XGB_LIBRARY "libxgboost.so.0"

/* Every XGBoost function models/xgb.c calls. */
#define CHURN__XGB_FUNCTIONS(X)                                               \
    X(XGBGetLastError)                                                        \
    X(XGBRegisterLogCallback)                                                 \
    X(XGBSetGlobalConfig)                                                     \
    X(XGBoosterBoostedRounds)                                                 \
    X(XGBoosterCreate)                                                        \
    X(XGBoosterFree)                                                          \
    X(XGBoosterGetNumFeature)                                                 \
    X(XGBoosterLoadModelFromBuffer)                                           \
    X(XGBoosterPredictFromDMatrix)                                            \
    X(XGBoosterPredictFromDense)                                              \
    X(XGBoosterSaveJsonConfig)                                                \
    X(XGBoosterSaveModelToBuffer)                                             \
    X(XGBoosterSetParam)                                                      \
    X(XGBoosterUpdateOneIter)                                                 \
    X(XGDMatrixCreateFromMat)                                                 \
    X(XGDMatrixFree)                                                          \
    X(XGDMatrixSetFloatInfo)

/* A pointer to each, typed as c_api.h declares it. */
typedef struct churn__xgb_lib {
#define CHURN__XGB_POINTER(name) __typeof__(name) *name;
    CHURN__XGB_FUNCTIONS(CHURN__XGB_POINTER)
#undef CHURN__XGB_POINTER
} churn__xgb_lib;

/* The functions, loaded once for the whole process (any thread may call
 * this): the table, or NULL with err saying the library could not be
 * loaded (CHURN_EIO; the next call tries again). XGBoost's start-up runs
 * then, the first time: like any C++ library's, it ends the process
 * (std::terminate) if memory runs out inside its static constructors,
 * as it did at the program's start when it was linked. */
const churn__xgb_lib *churn__xgb_lib_open(churn_error *err);

#endif
