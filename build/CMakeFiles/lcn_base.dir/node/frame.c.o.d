CMakeFiles/lcn_base.dir/node/frame.c.o: /work/main/node/frame.c \
 /usr/include/stdc-predef.h
