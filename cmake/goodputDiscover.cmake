# goodput_discover_tasks(): one ctest test per task x model, named `model/Suite.Task`,
# discovered from the binary itself the way gtest_discover_tests does it (no hand-kept lists).
#
#   find_package(goodput CONFIG REQUIRED)
#   add_executable(my_tasks my_tasks.cpp)
#   target_link_libraries(my_tasks PRIVATE goodput::main)
#   goodput_discover_tasks(my_tasks ARGS --models ${CMAKE_CURRENT_SOURCE_DIR}/models.yaml)
#
#   # YAML task files, run by the goodput executable itself:
#   goodput_discover_tasks(goodput::goodput NAME seed_eval
#     ARGS run ${CMAKE_CURRENT_SOURCE_DIR}/tasks --models ${CMAKE_CURRENT_SOURCE_DIR}/models.yaml)
#
# Options:
#   ARGS ...             arguments for both listing and running (models, task files, --sim...)
#   NAME name            file-name stem for the generated files (default: the target's name)
#   TEST_PREFIX p        prepended to every test name
#   TIMEOUT s            ctest TIMEOUT per test (default 1800)
#   DISCOVERY_MODE m     POST_BUILD (default: list after each build) or PRE_TEST (list when
#                        ctest starts; use it when the build machine cannot run the binary)
#   DISCOVERY_TIMEOUT s  how long listing may take (default 60)
#   EXTRA_ARGS ...       arguments for running only (e.g. --junit, --repeat 5)
#   PROPERTIES ...       more test properties, as set_tests_properties takes them
#
# Each test runs `<binary> ARGS --model <model> --filter <Suite.Task> EXTRA_ARGS`, writing its
# journal and results to goodput-results/<NAME>/<model>/<Suite.Task> in the build directory
# (the latest run replaces the previous one) unless ARGS or EXTRA_ARGS give --output-dir. For a
# JUnit file per test: EXTRA_ARGS --junit junit/%m/%t.xml (%m model, %t task, %s suite). Tests get
# LABELS suite, model and the task's tags, and RESOURCE_LOCK goodput-endpoint:<scheme://host:port>, so
# `ctest -j` never sends two requests at once to one local server. The exit status is the
# binary's: a model failure and a transport error (server down) both fail the test; the log
# says which ([  FAILED  ] or [  ERROR   ]).

set(_GOODPUT_ADD_TASKS_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/goodputAddTasks.cmake")

function(goodput_discover_tasks target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "NAME;TEST_PREFIX;TIMEOUT;DISCOVERY_MODE;DISCOVERY_TIMEOUT"
                        "ARGS;EXTRA_ARGS;PROPERTIES")
  if(NOT arg_NAME)
    string(MAKE_C_IDENTIFIER "${target}" arg_NAME)
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 1800)
  endif()
  if(NOT arg_DISCOVERY_TIMEOUT)
    set(arg_DISCOVERY_TIMEOUT 60)
  endif()
  if(NOT arg_DISCOVERY_MODE)
    set(arg_DISCOVERY_MODE POST_BUILD)
  endif()
  if(NOT arg_DISCOVERY_MODE MATCHES "^(POST_BUILD|PRE_TEST)$")
    message(FATAL_ERROR "goodput_discover_tasks: DISCOVERY_MODE must be POST_BUILD or PRE_TEST, not '${arg_DISCOVERY_MODE}'")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "goodput_discover_tasks: '${target}' is not a target (a task executable, or goodput::goodput)")
  endif()

  set(base "${CMAKE_CURRENT_BINARY_DIR}/${arg_NAME}")
  set(settings_file "${base}_goodput_settings.cmake")
  set(tests_file "${base}_goodput_tasks.cmake")
  set(include_file "${base}_goodput_include.cmake")

  # Lists are handed to the script in a file, which keeps spaces and semicolons intact.
  set(settings "")
  foreach(var ARGS EXTRA_ARGS PROPERTIES)
    string(APPEND settings "set(GOODPUT_${var} \"\")\n")
    foreach(item IN LISTS arg_${var})
      string(APPEND settings "list(APPEND GOODPUT_${var} [==[${item}]==])\n")
    endforeach()
  endforeach()
  string(APPEND settings "set(GOODPUT_NAME [==[${arg_NAME}]==])\n"
                         "set(GOODPUT_TEST_PREFIX [==[${arg_TEST_PREFIX}]==])\n"
                         "set(GOODPUT_TIMEOUT ${arg_TIMEOUT})\n"
                         "set(GOODPUT_DISCOVERY_TIMEOUT ${arg_DISCOVERY_TIMEOUT})\n"
                         "set(GOODPUT_TESTS_FILE [==[${tests_file}]==])\n"
                         "set(GOODPUT_WORKING_DIR [==[${CMAKE_CURRENT_BINARY_DIR}]==])\n")
  file(GENERATE OUTPUT "${settings_file}" CONTENT "${settings}set(GOODPUT_EXECUTABLE [==[$<TARGET_FILE:${target}>]==])\n")

  if(arg_DISCOVERY_MODE STREQUAL "POST_BUILD")
    get_target_property(imported ${target} IMPORTED)
    if(imported)
      # An imported executable (goodput::goodput) is never built here: list at configure time
      # of the tests instead.
      set(arg_DISCOVERY_MODE PRE_TEST)
    else()
      add_custom_command(TARGET ${target} POST_BUILD
        BYPRODUCTS "${tests_file}"
        COMMAND "${CMAKE_COMMAND}" -D "GOODPUT_SETTINGS=${settings_file}" -P "${_GOODPUT_ADD_TASKS_SCRIPT}"
        VERBATIM)
      file(WRITE "${include_file}"
        "if(EXISTS \"${tests_file}\")\n"
        "  include(\"${tests_file}\")\n"
        "else()\n"
        "  add_test(${arg_NAME}_NOT_BUILT ${arg_NAME}_NOT_BUILT)\n"
        "endif()\n")
    endif()
  endif()
  if(arg_DISCOVERY_MODE STREQUAL "PRE_TEST")
    file(WRITE "${include_file}"
      "execute_process(COMMAND \"${CMAKE_COMMAND}\" -D \"GOODPUT_SETTINGS=${settings_file}\" -P \"${_GOODPUT_ADD_TASKS_SCRIPT}\"\n"
      "  RESULT_VARIABLE goodput_result)\n"
      "if(goodput_result EQUAL 0)\n"
      "  include(\"${tests_file}\")\n"
      "else()\n"
      "  add_test(${arg_NAME}_DISCOVERY_FAILED ${arg_NAME}_DISCOVERY_FAILED)\n"
      "endif()\n")
  endif()
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()
