file(REMOVE_RECURSE
  "CMakeFiles/test_sig.dir/unit/test_sig.c.o"
  "CMakeFiles/test_sig.dir/unit/test_sig.c.o.d"
  "test_sig"
  "test_sig.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sig.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
