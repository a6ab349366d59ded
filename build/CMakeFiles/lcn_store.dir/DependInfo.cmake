
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/store/ledger.c" "CMakeFiles/lcn_store.dir/store/ledger.c.o" "gcc" "CMakeFiles/lcn_store.dir/store/ledger.c.o.d"
  "/work/main/store/merkle.c" "CMakeFiles/lcn_store.dir/store/merkle.c.o" "gcc" "CMakeFiles/lcn_store.dir/store/merkle.c.o.d"
  "/work/main/store/store.c" "CMakeFiles/lcn_store.dir/store/store.c.o" "gcc" "CMakeFiles/lcn_store.dir/store/store.c.o.d"
  "/work/main/store/verify.c" "CMakeFiles/lcn_store.dir/store/verify.c.o" "gcc" "CMakeFiles/lcn_store.dir/store/verify.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/CMakeFiles/lcn_base.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/lcn_proto.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
