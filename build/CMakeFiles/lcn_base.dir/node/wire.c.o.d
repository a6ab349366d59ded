CMakeFiles/lcn_base.dir/node/wire.c.o: /work/main/node/wire.c \
 /usr/include/stdc-predef.h
