build-features/obj/features/events.o: features/events.c \
 features/features.h ml/internal.h ml/churn.h
features/features.h:
ml/internal.h:
ml/churn.h:
