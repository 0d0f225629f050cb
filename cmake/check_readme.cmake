# README check, run as
#   cmake -DCOMPILER=<c++> -DREADME=<README.md> -DQUICKSTART=<examples/quickstart.cpp>
#         -DOUT_DIR=<dir> [-DFLAGS_FILE=<flags.cmake>] -P check_readme.cmake
#
# Every ```cpp block of the README must compile on its own, and the first one must be the text of
# examples/quickstart.cpp (which ctest builds and runs), so the README cannot drift from the code.
# FLAGS_FILE is the one the compile-fail tests use (include directories and definitions).

cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/usage_args.cmake")

foreach(var IN ITEMS COMPILER README QUICKSTART OUT_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_readme: -D${var}=... is required")
  endif()
endforeach()
if(DEFINED FLAGS_FILE)
  include("${FLAGS_FILE}")
endif()

file(READ "${README}" text)
set(open_fence "```cpp\n")
set(close_fence "\n```")
set(blocks "")
set(count 0)
while(TRUE)
  string(FIND "${text}" "${open_fence}" start)
  if(start EQUAL -1)
    break()
  endif()
  string(LENGTH "${open_fence}" fence_length)
  math(EXPR start "${start} + ${fence_length}")
  string(SUBSTRING "${text}" ${start} -1 text)
  string(FIND "${text}" "${close_fence}" end)
  if(end EQUAL -1)
    message(FATAL_ERROR "check_readme: a ```cpp block is not closed")
  endif()
  string(SUBSTRING "${text}" 0 ${end} block)
  math(EXPR count "${count} + 1")
  file(WRITE "${OUT_DIR}/readme_block_${count}.cpp" "${block}\n")
  list(APPEND blocks "${OUT_DIR}/readme_block_${count}.cpp")
  string(SUBSTRING "${text}" ${end} -1 text)
endwhile()
if(count EQUAL 0)
  message(FATAL_ERROR "check_readme: no ```cpp block in ${README}")
endif()

file(READ "${QUICKSTART}" quickstart)
file(READ "${OUT_DIR}/readme_block_1.cpp" first)
if(NOT first STREQUAL quickstart)
  message(FATAL_ERROR "check_readme: the README's first example differs from ${QUICKSTART}")
endif()

set(args -std=c++20 -fsyntax-only -fdiagnostics-color=never)
relate_usage_args(args)

foreach(block IN LISTS blocks)
  execute_process(COMMAND "${COMPILER}" ${args} "${block}" RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "check_readme: ${block} does not compile:\n${output}")
  endif()
endforeach()
message(STATUS "check_readme: ${count} code blocks compile; the first is examples/quickstart.cpp")
