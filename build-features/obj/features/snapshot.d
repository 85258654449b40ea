build-features/obj/features/snapshot.o: features/snapshot.c \
 features/features.h ml/internal.h ml/churn.h
features/features.h:
ml/internal.h:
ml/churn.h:
