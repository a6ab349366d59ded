file(REMOVE_RECURSE
  "CMakeFiles/lcn_base.dir/node/frame.c.o"
  "CMakeFiles/lcn_base.dir/node/frame.c.o.d"
  "CMakeFiles/lcn_base.dir/node/hash.c.o"
  "CMakeFiles/lcn_base.dir/node/hash.c.o.d"
  "CMakeFiles/lcn_base.dir/node/lcn_err.c.o"
  "CMakeFiles/lcn_base.dir/node/lcn_err.c.o.d"
  "CMakeFiles/lcn_base.dir/node/log.c.o"
  "CMakeFiles/lcn_base.dir/node/log.c.o.d"
  "CMakeFiles/lcn_base.dir/node/sig.c.o"
  "CMakeFiles/lcn_base.dir/node/sig.c.o.d"
  "CMakeFiles/lcn_base.dir/node/trust.c.o"
  "CMakeFiles/lcn_base.dir/node/trust.c.o.d"
  "CMakeFiles/lcn_base.dir/node/util.c.o"
  "CMakeFiles/lcn_base.dir/node/util.c.o.d"
  "CMakeFiles/lcn_base.dir/node/wire.c.o"
  "CMakeFiles/lcn_base.dir/node/wire.c.o.d"
  "liblcn_base.a"
  "liblcn_base.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/lcn_base.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
