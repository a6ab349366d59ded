file(REMOVE_RECURSE
  "liblcn_store.a"
)
