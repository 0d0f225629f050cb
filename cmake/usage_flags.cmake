# relate_write_usage_flags(<file>): writes, at generate time, the include directories and
# definitions that relate and nlohmann_json give their users, for scripts that run the compiler
# themselves (compile-fail tests, the README check, the compile-time benchmark). The scripts read
# the file and turn it into flags with cmake/usage_args.cmake.

function(relate_write_usage_flags file)
  set(include_dirs "")
  set(definitions "")
  foreach(target IN ITEMS relate nlohmann_json::nlohmann_json)
    list(APPEND include_dirs "$<TARGET_PROPERTY:${target},INTERFACE_INCLUDE_DIRECTORIES>")
    list(APPEND definitions "$<TARGET_PROPERTY:${target},INTERFACE_COMPILE_DEFINITIONS>")
  endforeach()
  file(GENERATE OUTPUT "${file}" CONTENT
"set(RELATE_USAGE_INCLUDE_DIRS \"$<REMOVE_DUPLICATES:${include_dirs}>\")
set(RELATE_USAGE_DEFINITIONS \"$<REMOVE_DUPLICATES:${definitions}>\")
set(RELATE_USAGE_IMPLICIT_INCLUDE_DIRS \"${CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES}\")
")
endfunction()
