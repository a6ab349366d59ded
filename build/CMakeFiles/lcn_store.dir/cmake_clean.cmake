file(REMOVE_RECURSE
  "CMakeFiles/lcn_store.dir/store/ledger.c.o"
  "CMakeFiles/lcn_store.dir/store/ledger.c.o.d"
  "CMakeFiles/lcn_store.dir/store/merkle.c.o"
  "CMakeFiles/lcn_store.dir/store/merkle.c.o.d"
  "CMakeFiles/lcn_store.dir/store/store.c.o"
  "CMakeFiles/lcn_store.dir/store/store.c.o.d"
  "CMakeFiles/lcn_store.dir/store/verify.c.o"
  "CMakeFiles/lcn_store.dir/store/verify.c.o.d"
  "liblcn_store.a"
  "liblcn_store.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/lcn_store.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
