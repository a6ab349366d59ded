file(REMOVE_RECURSE
  "CMakeFiles/lcn-verify-rate.dir/ops/bench/verify_rate.c.o"
  "CMakeFiles/lcn-verify-rate.dir/ops/bench/verify_rate.c.o.d"
  "lcn-verify-rate"
  "lcn-verify-rate.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/lcn-verify-rate.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
