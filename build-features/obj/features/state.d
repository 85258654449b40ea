build-features/obj/features/state.o: features/state.c features/features.h \
 ml/internal.h ml/churn.h
features/features.h:
ml/internal.h:
ml/churn.h:
