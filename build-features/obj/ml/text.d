build-features/obj/ml/text.o: ml/text.c ml/internal.h ml/churn.h
ml/internal.h:
ml/churn.h:
