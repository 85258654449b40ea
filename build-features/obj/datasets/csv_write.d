build-features/obj/datasets/csv_write.o: datasets/csv_write.c \
 ml/internal.h ml/churn.h
ml/internal.h:
ml/churn.h:
