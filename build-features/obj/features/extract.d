build-features/obj/features/extract.o: features/extract.c \
 features/features.h ml/internal.h ml/churn.h
features/features.h:
ml/internal.h:
ml/churn.h:
