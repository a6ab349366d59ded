file(REMOVE_RECURSE
  "CMakeFiles/lcn_conf.dir/node/config.c.o"
  "CMakeFiles/lcn_conf.dir/node/config.c.o.d"
  "CMakeFiles/lcn_conf.dir/node/pbjson.c.o"
  "CMakeFiles/lcn_conf.dir/node/pbjson.c.o.d"
  "CMakeFiles/lcn_conf.dir/node/tls.c.o"
  "CMakeFiles/lcn_conf.dir/node/tls.c.o.d"
  "liblcn_conf.a"
  "liblcn_conf.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/lcn_conf.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
