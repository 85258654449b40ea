build-features/obj/ml/dataset.o: ml/dataset.c ml/internal.h ml/churn.h
ml/internal.h:
ml/churn.h:
