file(REMOVE_RECURSE
  "CMakeFiles/lcnd.dir/node/lcnd.c.o"
  "CMakeFiles/lcnd.dir/node/lcnd.c.o.d"
  "lcnd"
  "lcnd.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/lcnd.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
