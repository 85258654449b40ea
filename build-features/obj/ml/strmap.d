build-features/obj/ml/strmap.o: ml/strmap.c ml/internal.h ml/churn.h
ml/internal.h:
ml/churn.h:
