build-features/obj/features/catalog.o: features/catalog.c \
 features/features.h ml/internal.h ml/churn.h
features/features.h:
ml/internal.h:
ml/churn.h:
