# PostgreSQL for relate's tests: libpq, and a throwaway server as the ctest fixture `postgres`.
#
# Included from tests/CMakeLists.txt and benchmarks/CMakeLists.txt. It provides:
#
#   PkgConfig::LIBPQ    imported target for libpq (from pkg-config, Debian's libpq-dev); link it
#                       into the test executables that talk to PostgreSQL.
#   postgres.start      test (FIXTURES_SETUP postgres): tools/pg_server.sh start ${RELATE_PG_DIR}
#   postgres.stop       test (FIXTURES_CLEANUP postgres): tools/pg_server.sh stop ${RELATE_PG_DIR}
#   RELATE_PG_DIR       variable: the server's directory, <build dir>/pg. Once postgres.start has
#                       run, ${RELATE_PG_DIR}/conninfo holds one line, a libpq connection string
#                       (host=<socket dir> port=<port> dbname=postgres user=<superuser>), and
#                       ${RELATE_PG_DIR}/server.env the server's details as shell assignments
#                       (see tools/pg_server.sh).
#   relate_uses_postgres(<name>...)
#                       makes each named test need the server: FIXTURES_REQUIRED postgres, and
#                       the environment variable RELATE_PG_DIR=${RELATE_PG_DIR} (the test reads
#                       $RELATE_PG_DIR/conninfo) and RELATE_PG_SERVER=<path of tools/pg_server.sh>
#                       (for tests that crash and restart the server: `bash
#                       $RELATE_PG_SERVER kill|restart $RELATE_PG_DIR`). A <name> that is a
#                       test executable registered with catch_discover_tests stands for all the
#                       tests discovered in it; call relate_uses_postgres for it after
#                       catch_discover_tests, in the same directory.
#
# ctest runs postgres.start before, and postgres.stop after, every test that requires the
# fixture, including when only some of them are selected (-R, -L). RELATE_PG_BIN (cache) names
# the directory holding initdb, pg_ctl and postgres.

# Set in every directory that includes this file (tests/, benchmarks/): relate_uses_postgres()
# reads them in its caller's scope. The rest is done once, by the first directory.
set(RELATE_PG_DIR "${PROJECT_BINARY_DIR}/pg")
set(RELATE_PG_SERVER "${PROJECT_SOURCE_DIR}/tools/pg_server.sh")
include_guard(GLOBAL)

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(LIBPQ QUIET IMPORTED_TARGET GLOBAL libpq)
endif()
if(NOT TARGET PkgConfig::LIBPQ)
  message(FATAL_ERROR
    "libpq not found through pkg-config: relate's PostgreSQL tests need it. On Debian 12, "
    "install pkg-config and libpq-dev (`bash tools/quickstart.sh test` installs them).")
endif()

set(RELATE_PG_BIN "/usr/lib/postgresql/15/bin" CACHE PATH
  "Directory holding PostgreSQL's initdb, pg_ctl and postgres, for the tests' throwaway server")
find_program(RELATE_BASH bash REQUIRED)

add_test(NAME postgres.start COMMAND "${RELATE_BASH}" "${RELATE_PG_SERVER}" start "${RELATE_PG_DIR}")
add_test(NAME postgres.stop COMMAND "${RELATE_BASH}" "${RELATE_PG_SERVER}" stop "${RELATE_PG_DIR}")
set_tests_properties(postgres.start postgres.stop PROPERTIES
  LABELS postgres
  TIMEOUT 300
  ENVIRONMENT "PG_BIN=${RELATE_PG_BIN}")
set_tests_properties(postgres.start PROPERTIES FIXTURES_SETUP postgres)
# DEPENDS: stop after start even when no selected test requires the fixture.
set_tests_properties(postgres.stop PROPERTIES FIXTURES_CLEANUP postgres DEPENDS postgres.start)

function(relate_uses_postgres)
  set(environment "RELATE_PG_DIR=${RELATE_PG_DIR}" "RELATE_PG_SERVER=${RELATE_PG_SERVER}")
  foreach(name IN LISTS ARGN)
    if(TARGET "${name}")
      # catch_discover_tests names the tests only when the executable is built: its ctest
      # script defines ${name}_TESTS, and this script, included after it, uses that list.
      set(script "${CMAKE_CURRENT_BINARY_DIR}/${name}_uses_postgres.cmake")
      file(WRITE "${script}"
        "if(DEFINED ${name}_TESTS)\n"
        "  set_tests_properties(\${${name}_TESTS} PROPERTIES\n"
        "    FIXTURES_REQUIRED postgres\n"
        "    ENVIRONMENT [==[${environment}]==])\n"
        "endif()\n")
      set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${script}")
    else()
      set_property(TEST "${name}" APPEND PROPERTY FIXTURES_REQUIRED postgres)
      set_property(TEST "${name}" APPEND PROPERTY ENVIRONMENT ${environment})
    endif()
  endforeach()
endfunction()
