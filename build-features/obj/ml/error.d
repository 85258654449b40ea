build-features/obj/ml/error.o: ml/error.c ml/internal.h ml/churn.h
ml/internal.h:
ml/churn.h:
