
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/node/frame.c" "CMakeFiles/lcn_base.dir/node/frame.c.o" "gcc" "CMakeFiles/lcn_base.dir/node/frame.c.o.d"
  "/work/main/node/hash.c" "CMakeFiles/lcn_base.dir/node/hash.c.o" "gcc" "CMakeFiles/lcn_base.dir/node/hash.c.o.d"
  "/work/main/node/lcn_err.c" "CMakeFiles/lcn_base.dir/node/lcn_err.c.o" "gcc" "CMakeFiles/lcn_base.dir/node/lcn_err.c.o.d"
  "/work/main/node/log.c" "CMakeFiles/lcn_base.dir/node/log.c.o" "gcc" "CMakeFiles/lcn_base.dir/node/log.c.o.d"
  "/work/main/node/sig.c" "CMakeFiles/lcn_base.dir/node/sig.c.o" "gcc" "CMakeFiles/lcn_base.dir/node/sig.c.o.d"
  "/work/main/node/trust.c" "CMakeFiles/lcn_base.dir/node/trust.c.o" "gcc" "CMakeFiles/lcn_base.dir/node/trust.c.o.d"
  "/work/main/node/util.c" "CMakeFiles/lcn_base.dir/node/util.c.o" "gcc" "CMakeFiles/lcn_base.dir/node/util.c.o.d"
  "/work/main/node/wire.c" "CMakeFiles/lcn_base.dir/node/wire.c.o" "gcc" "CMakeFiles/lcn_base.dir/node/wire.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/CMakeFiles/lcn_proto.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
