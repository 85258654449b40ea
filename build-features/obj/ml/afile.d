build-features/obj/ml/afile.o: ml/afile.c ml/internal.h ml/churn.h
ml/internal.h:
ml/churn.h:
