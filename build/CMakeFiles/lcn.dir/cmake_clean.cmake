file(REMOVE_RECURSE
  "CMakeFiles/lcn.dir/node/cli/client.c.o"
  "CMakeFiles/lcn.dir/node/cli/client.c.o.d"
  "CMakeFiles/lcn.dir/node/cli/lcn.c.o"
  "CMakeFiles/lcn.dir/node/cli/lcn.c.o.d"
  "CMakeFiles/lcn.dir/node/cli/log.c.o"
  "CMakeFiles/lcn.dir/node/cli/log.c.o.d"
  "CMakeFiles/lcn.dir/node/cli/publish.c.o"
  "CMakeFiles/lcn.dir/node/cli/publish.c.o.d"
  "CMakeFiles/lcn.dir/node/cli/status.c.o"
  "CMakeFiles/lcn.dir/node/cli/status.c.o.d"
  "CMakeFiles/lcn.dir/node/cli/table.c.o"
  "CMakeFiles/lcn.dir/node/cli/table.c.o.d"
  "CMakeFiles/lcn.dir/node/cli/verify.c.o"
  "CMakeFiles/lcn.dir/node/cli/verify.c.o.d"
  "lcn"
  "lcn.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/lcn.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
