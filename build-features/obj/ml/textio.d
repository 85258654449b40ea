build-features/obj/ml/textio.o: ml/textio.c ml/internal.h ml/churn.h
ml/internal.h:
ml/churn.h:
