file(REMOVE_RECURSE
  "CMakeFiles/lcn_node.dir/node/api.c.o"
  "CMakeFiles/lcn_node.dir/node/api.c.o.d"
  "CMakeFiles/lcn_node.dir/node/daemon.c.o"
  "CMakeFiles/lcn_node.dir/node/daemon.c.o.d"
  "CMakeFiles/lcn_node.dir/node/peer.c.o"
  "CMakeFiles/lcn_node.dir/node/peer.c.o.d"
  "CMakeFiles/lcn_node.dir/node/repl.c.o"
  "CMakeFiles/lcn_node.dir/node/repl.c.o.d"
  "liblcn_node.a"
  "liblcn_node.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/lcn_node.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
