# Shared target settings for the project's own code.

# Strict warnings and Qt string hygiene on every target we write.
function(pulsco_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  target_compile_definitions(${target} PRIVATE
    QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_USE_QSTRINGBUILDER QT_NO_FOREACH
    QT_NO_URL_CAST_FROM_STRING QT_NO_NARROWING_CONVERSIONS_IN_CONNECT)
endfunction()

# pulsco_add_library(NAME SOURCES... [PUBLIC_LIBS ...] [PRIVATE_LIBS ...])
function(pulsco_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  pulsco_target_defaults(${name})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_LIBS} PRIVATE ${ARG_PRIVATE_LIBS})
endfunction()

# pulsco_add_qtest(NAME SOURCES... LIBS... [LABELS ...] [TIMEOUT s] [SERIAL])
# One Qt Test executable = one ctest test. Widgets run offscreen so tests
# need no display and can run in parallel. The test runs through
# tests/support/run-qtest.sh, which under CI=true fails a QSKIP that is not
# on tests/support/skip-allowlist.txt. Labels that steer the CI stages:
#   threaded - runs under ThreadSanitizer (`make test-tsan` builds and runs
#              exactly these, through the pulsco_threaded_tests target);
#   e2e      - starts real processes (servers, the console binary); the
#              ASan stage may leave these out when CI time is short.
# SERIAL: latency-sensitive suites that must not share the two cores with
# another suite (ctest RUN_SERIAL).
function(pulsco_add_qtest name)
  cmake_parse_arguments(ARG "SERIAL" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  pulsco_target_defaults(${name})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBS})
  target_compile_definitions(${name} PRIVATE
    PULSCO_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    PULSCO_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${name}
    COMMAND ${PROJECT_SOURCE_DIR}/tests/support/run-qtest.sh $<TARGET_FILE:${name}>)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_LOGGING_RULES=qt.qpa.*=false"
    LABELS "${ARG_LABELS}"
    TIMEOUT ${ARG_TIMEOUT}
    RUN_SERIAL ${ARG_SERIAL})
  if("threaded" IN_LIST ARG_LABELS)
    add_dependencies(pulsco_threaded_tests ${name})
  endif()
endfunction()

# pulsco_add_postgresql_variant(SUITE [FUNCTIONS f...] [TIMEOUT s]): the
# test functions of an existing Qt Test suite run again as test
# SUITE_postgresql with PULSCO_TEST_STORE=postgresql (tests/support/TestStore.h:
# a throw-away PostgreSQL cluster, a fresh database per store). Labelled
# `postgresql` and `store-variant`: the ASan stage leaves the variants out
# (the code under them is the same; the suite already ran there on SQLite).
function(pulsco_add_postgresql_variant suite)
  cmake_parse_arguments(ARG "" "TIMEOUT" "FUNCTIONS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_test(NAME ${suite}_postgresql
    COMMAND ${PROJECT_SOURCE_DIR}/tests/support/run-qtest.sh $<TARGET_FILE:${suite}> ${ARG_FUNCTIONS})
  set_tests_properties(${suite}_postgresql PROPERTIES
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_LOGGING_RULES=qt.qpa.*=false;PULSCO_TEST_STORE=postgresql"
    LABELS "postgresql;store-variant;e2e"
    TIMEOUT ${ARG_TIMEOUT})
endfunction()

# pulsco_add_benchmark(NAME SOURCES... LIBS...): an executable in
# <build>/bench/ that prints `BENCH <name> <value> <unit>` lines.
function(pulsco_add_benchmark name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  pulsco_target_defaults(${name})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/bench)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
  target_compile_definitions(${name} PRIVATE
    PULSCO_SOURCE_DIR="${PROJECT_SOURCE_DIR}" PULSCO_BINARY_DIR="${PROJECT_BINARY_DIR}")
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
endfunction()
