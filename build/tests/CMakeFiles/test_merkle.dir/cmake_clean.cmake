file(REMOVE_RECURSE
  "CMakeFiles/test_merkle.dir/unit/test_merkle.c.o"
  "CMakeFiles/test_merkle.dir/unit/test_merkle.c.o.d"
  "test_merkle"
  "test_merkle.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_merkle.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
