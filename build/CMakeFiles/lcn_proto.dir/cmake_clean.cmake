file(REMOVE_RECURSE
  "CMakeFiles/lcn_proto.dir/proto/lcn.pb-c.c.o"
  "CMakeFiles/lcn_proto.dir/proto/lcn.pb-c.c.o.d"
  "liblcn_proto.a"
  "liblcn_proto.pdb"
  "proto/lcn.pb-c.c"
  "proto/lcn.pb-c.h"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/lcn_proto.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
