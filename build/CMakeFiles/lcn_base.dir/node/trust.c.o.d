CMakeFiles/lcn_base.dir/node/trust.c.o: /work/main/node/trust.c \
 /usr/include/stdc-predef.h
