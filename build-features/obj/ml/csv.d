build-features/obj/ml/csv.o: ml/csv.c ml/internal.h ml/churn.h
ml/internal.h:
ml/churn.h:
