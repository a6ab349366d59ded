file(REMOVE_RECURSE
  "liblcn_node.a"
)
