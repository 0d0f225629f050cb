# Times the compilation of each source at -O2 (compile_time.cpp, every feature; typical_tu.cpp,
# one handler; models_only_tu.cpp, the models without the database) and reports CPU time and peak
# memory, read from GNU time (/usr/bin/time -v, Debian package "time"). With YARDSTICK (Catch2 v2's main, the brief's measure of this machine: about
# 17 s here), each run of the sources is followed by one of the yardstick, and the ratio of the
# medians is printed too: this VM's compile times drift by a third within a day, the ratio of
# files compiled in the same minutes much less.
#
#   cmake -DCOMPILER=g++ -DSOURCES=benchmarks/compile_time.cpp,benchmarks/typical_tu.cpp
#         -DFLAGS_FILE=<generated> [-DYARDSTICK=tests/catch_main.cpp] [-DRUNS=3]
#         -P measure_compile_time.cmake
#
# FLAGS_FILE holds relate's usage flags (the build writes it with cmake/usage_flags.cmake).

cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/../cmake/usage_args.cmake")

foreach(required COMPILER SOURCES FLAGS_FILE)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "measure_compile_time: -D${required}=... is required")
  endif()
endforeach()
if(NOT DEFINED RUNS)
  set(RUNS 3)
endif()
include("${FLAGS_FILE}")
string(REPLACE "," ";" sources "${SOURCES}")

find_program(GNU_TIME time PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT GNU_TIME)
  message(FATAL_ERROR "measure_compile_time: /usr/bin/time is missing (Debian package: time)")
endif()

set(object "${CMAKE_CURRENT_BINARY_DIR}/compile_time_measured.o")
set(args -std=c++20 -O2)
relate_usage_args(args)

# Compiles `source` once; appends its CPU time (user, in centiseconds) to the list `times` and its
# peak memory (MB) to the list `peaks`.
function(compile_once source times peaks)
  execute_process(
    COMMAND "${GNU_TIME}" -v "${COMPILER}" ${args} -c "${source}" -o "${object}"
    RESULT_VARIABLE result
    ERROR_VARIABLE report)
  file(REMOVE "${object}")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "measure_compile_time: compiling ${source} failed:\n${report}")
  endif()
  # GNU time prints user time with two decimals: 17.35 is 1735 centiseconds.
  string(REGEX MATCH "User time \\(seconds\\): ([0-9]+)\\.([0-9][0-9])" _ "${report}")
  math(EXPR centiseconds "${CMAKE_MATCH_1} * 100 + 1${CMAKE_MATCH_2} - 100")
  string(REGEX MATCH "Maximum resident set size \\(kbytes\\): ([0-9]+)" _ "${report}")
  math(EXPR peak_mb "${CMAKE_MATCH_1} / 1024")
  set(${times} ${${times}} ${centiseconds} PARENT_SCOPE)
  set(${peaks} ${${peaks}} ${peak_mb} PARENT_SCOPE)
endfunction()

# 1735 hundredths (of a second, or of a ratio) -> "17.35".
function(two_decimals hundredths_total out)
  math(EXPR whole "${hundredths_total} / 100")
  math(EXPR hundredths "${hundredths_total} % 100")
  if(hundredths LESS 10)
    set(hundredths "0${hundredths}")
  endif()
  set(${out} "${whole}.${hundredths}" PARENT_SCOPE)
endfunction()

function(median values out)
  list(SORT values COMPARE NATURAL)
  list(LENGTH values count)
  math(EXPR upper "${count} / 2")
  math(EXPR lower "(${count} - 1) / 2")
  list(GET values ${lower} a)
  list(GET values ${upper} b)
  math(EXPR middle "(${a} + ${b}) / 2")
  set(${out} ${middle} PARENT_SCOPE)
endfunction()

# "CPU 17.35, 16.12, 16.49 s (median 16.49 s), peak 685 MB"; the median (centiseconds) in `out`.
function(summary times peaks text out)
  set(listed "")
  foreach(t IN LISTS times)
    two_decimals(${t} s)
    list(APPEND listed "${s}")
  endforeach()
  list(JOIN listed ", " listed)
  median("${times}" middle)
  two_decimals(${middle} middle_s)
  list(SORT peaks COMPARE NATURAL ORDER DESCENDING)
  list(GET peaks 0 peak)
  set(${text} "CPU ${listed} s (median ${middle_s} s), peak ${peak} MB" PARENT_SCOPE)
  set(${out} ${middle} PARENT_SCOPE)
endfunction()

# times_<n> and peaks_<n> hold source n's runs; the yardstick's are times_y and peaks_y.
foreach(run RANGE 1 ${RUNS})
  set(n 0)
  foreach(source IN LISTS sources)
    compile_once("${source}" times_${n} peaks_${n})
    math(EXPR n "${n} + 1")
  endforeach()
  if(DEFINED YARDSTICK)
    compile_once("${YARDSTICK}" times_y peaks_y)
  endif()
endforeach()

get_filename_component(compiler_name "${COMPILER}" NAME)
message("g++ 12 targets for compile_time.cpp: under 10 s and 600 MB, where Catch2's main takes about 17 s (a ratio of 0.59)")
if(DEFINED YARDSTICK)
  summary("${times_y}" "${peaks_y}" text yardstick_median)
  message("Catch2 v2's main, the yardstick, ${compiler_name} -O2, ${RUNS} runs: ${text}")
endif()
set(n 0)
foreach(source IN LISTS sources)
  get_filename_component(source_name "${source}" NAME)
  summary("${times_${n}}" "${peaks_${n}}" text median_cs)
  set(line "${source_name}, ${compiler_name} -O2, ${RUNS} runs: ${text}")
  if(DEFINED YARDSTICK)
    math(EXPR ratio "(${median_cs} * 100 + ${yardstick_median} / 2) / ${yardstick_median}")
    two_decimals(${ratio} ratio)
    string(APPEND line "; against Catch2's main: ${ratio}")
  endif()
  message("${line}")
  math(EXPR n "${n} + 1")
endforeach()
