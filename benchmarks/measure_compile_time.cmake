# Times the compilation of compile_time.cpp at -O2 and reports wall and CPU time and peak memory,
# read from GNU time (/usr/bin/time -v, Debian package "time").
#
#   cmake -DCOMPILER=g++ -DSOURCE=benchmarks/compile_time.cpp -DFLAGS_FILE=<generated> -P measure_compile_time.cmake
#
# FLAGS_FILE holds relate's usage flags (the build writes it with cmake/usage_flags.cmake).

cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/../cmake/usage_args.cmake")

foreach(required COMPILER SOURCE FLAGS_FILE)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "measure_compile_time: -D${required}=... is required")
  endif()
endforeach()
include("${FLAGS_FILE}")

find_program(GNU_TIME time PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT GNU_TIME)
  message(FATAL_ERROR "measure_compile_time: /usr/bin/time is missing (Debian package: time)")
endif()

set(args -std=c++20 -O2 -c "${SOURCE}" -o "${CMAKE_CURRENT_BINARY_DIR}/compile_time_measured.o")
relate_usage_args(args)

execute_process(
  COMMAND "${GNU_TIME}" -v "${COMPILER}" ${args}
  RESULT_VARIABLE result
  ERROR_VARIABLE report)
file(REMOVE "${CMAKE_CURRENT_BINARY_DIR}/compile_time_measured.o")
if(NOT result EQUAL 0)
  message(FATAL_ERROR "measure_compile_time: compilation failed:\n${report}")
endif()

string(REGEX MATCH "Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): ([0-9:.]+)" _ "${report}")
set(wall "${CMAKE_MATCH_1}")
string(REGEX MATCH "User time \\(seconds\\): ([0-9.]+)" _ "${report}")
set(user "${CMAKE_MATCH_1}")
string(REGEX MATCH "System time \\(seconds\\): ([0-9.]+)" _ "${report}")
set(system "${CMAKE_MATCH_1}")
string(REGEX MATCH "Maximum resident set size \\(kbytes\\): ([0-9]+)" _ "${report}")
math(EXPR peak_mb "${CMAKE_MATCH_1} / 1024")

get_filename_component(compiler_name "${COMPILER}" NAME)
message("compile_time.cpp, ${compiler_name} -O2: wall ${wall}, user ${user} s, system ${system} s, peak ${peak_mb} MB"
        " (targets: under 10 s and 600 MB with g++ 12)")
