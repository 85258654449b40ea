build-features/obj/ml/time.o: ml/time.c ml/internal.h ml/churn.h
ml/internal.h:
ml/churn.h:
