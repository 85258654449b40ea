build-features/obj/features/opts.o: features/opts.c features/features.h \
 ml/internal.h ml/churn.h
features/features.h:
ml/internal.h:
ml/churn.h:
