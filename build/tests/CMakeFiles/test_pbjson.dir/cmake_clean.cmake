file(REMOVE_RECURSE
  "CMakeFiles/test_pbjson.dir/unit/test_pbjson.c.o"
  "CMakeFiles/test_pbjson.dir/unit/test_pbjson.c.o.d"
  "test_pbjson"
  "test_pbjson.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_pbjson.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
