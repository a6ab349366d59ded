
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/node/api.c" "CMakeFiles/lcn_node.dir/node/api.c.o" "gcc" "CMakeFiles/lcn_node.dir/node/api.c.o.d"
  "/work/main/node/daemon.c" "CMakeFiles/lcn_node.dir/node/daemon.c.o" "gcc" "CMakeFiles/lcn_node.dir/node/daemon.c.o.d"
  "/work/main/node/peer.c" "CMakeFiles/lcn_node.dir/node/peer.c.o" "gcc" "CMakeFiles/lcn_node.dir/node/peer.c.o.d"
  "/work/main/node/repl.c" "CMakeFiles/lcn_node.dir/node/repl.c.o" "gcc" "CMakeFiles/lcn_node.dir/node/repl.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build/CMakeFiles/lcn_conf.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/lcn_store.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/lcn_proto.dir/DependInfo.cmake"
  "/work/main/build/CMakeFiles/lcn_base.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
