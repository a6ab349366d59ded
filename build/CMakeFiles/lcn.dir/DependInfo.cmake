
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/node/cli/client.c" "CMakeFiles/lcn.dir/node/cli/client.c.o" "gcc" "CMakeFiles/lcn.dir/node/cli/client.c.o.d"
  "/work/main/node/cli/lcn.c" "CMakeFiles/lcn.dir/node/cli/lcn.c.o" "gcc" "CMakeFiles/lcn.dir/node/cli/lcn.c.o.d"
  "/work/main/node/cli/log.c" "CMakeFiles/lcn.dir/node/cli/log.c.o" "gcc" "CMakeFiles/lcn.dir/node/cli/log.c.o.d"
  "/work/main/node/cli/publish.c" "CMakeFiles/lcn.dir/node/cli/publish.c.o" "gcc" "CMakeFiles/lcn.dir/node/cli/publish.c.o.d"
  "/work/main/node/cli/status.c" "CMakeFiles/lcn.dir/node/cli/status.c.o" "gcc" "CMakeFiles/lcn.dir/node/cli/status.c.o.d"
  "/work/main/node/cli/table.c" "CMakeFiles/lcn.dir/node/cli/table.c.o" "gcc" "CMakeFiles/lcn.dir/node/cli/table.c.o.d"
  "/work/main/node/cli/verify.c" "CMakeFiles/lcn.dir/node/cli/verify.c.o" "gcc" "CMakeFiles/lcn.dir/node/cli/verify.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/CMakeFiles/lcn_conf.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/lcn_store.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/lcn_base.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/lcn_proto.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
