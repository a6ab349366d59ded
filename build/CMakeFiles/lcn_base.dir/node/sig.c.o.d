CMakeFiles/lcn_base.dir/node/sig.c.o: /work/main/node/sig.c \
 /usr/include/stdc-predef.h
