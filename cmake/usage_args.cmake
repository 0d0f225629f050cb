# relate_usage_args(<out>): appends to the list <out> the -I and -D flags of a file written by
# relate_write_usage_flags (cmake/usage_flags.cmake), which the caller has include()d.
# The compiler's own directories stay implicit: -I/usr/include would reorder libstdc++'s
# #include_next.

function(relate_usage_args out)
  set(args ${${out}})
  foreach(dir IN LISTS RELATE_USAGE_INCLUDE_DIRS)
    if(dir AND NOT dir IN_LIST RELATE_USAGE_IMPLICIT_INCLUDE_DIRS)
      list(APPEND args "-I${dir}")
    endif()
  endforeach()
  foreach(definition IN LISTS RELATE_USAGE_DEFINITIONS)
    if(definition)
      list(APPEND args "-D${definition}")
    endif()
  endforeach()
  set(${out} ${args} PARENT_SCOPE)
endfunction()
