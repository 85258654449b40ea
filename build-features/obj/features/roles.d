build-features/obj/features/roles.o: features/roles.c features/features.h \
 ml/internal.h ml/churn.h
features/features.h:
ml/internal.h:
ml/churn.h:
