# A consumer's view: install this build, then configure, build and ctest examples/cpp-project
# with find_package(goodput CONFIG REQUIRED) against the install tree only.
# -D BUILD_DIR=<goodput build> -D SOURCE_DIR=<goodput source> -D WORK_DIR=<scratch>
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
set(example_build "${WORK_DIR}/example-build")

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${what} failed (${result}):\n${out}\n${err}")
  endif()
  message(STATUS "${what}: ok")
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run_step("cmake --install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")
# Only the install tree: the example must not see goodput's source or build directories.
run_step("configure the example" "${CMAKE_COMMAND}" -S "${SOURCE_DIR}/examples/cpp-project" -B "${example_build}" -G Ninja
         -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_PREFIX_PATH=${prefix}" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
run_step("build the example" "${CMAKE_COMMAND}" --build "${example_build}" -j2)
run_step("ctest in the example" "${CMAKE_CTEST_COMMAND}" --test-dir "${example_build}" --output-on-failure -j2)
message(STATUS "${last_output}")
# Discovery must have produced one test per task x model (not a _NOT_BUILT placeholder).
if(last_output MATCHES "_NOT_BUILT|_DISCOVERY_FAILED")
  message(FATAL_ERROR "task discovery did not run")
endif()
string(REGEX MATCHALL "Test +#[0-9]+: [^ ]+/[A-Za-z0-9_]+\\.[A-Za-z0-9_]+" tests "${last_output}")
list(LENGTH tests count)
if(count LESS 4)
  message(FATAL_ERROR "expected at least 4 discovered model/Suite.Task tests, found ${count}")
endif()

# A second ctest run replaces each test's outputs in its own directory: no timestamped
# goodput-results/<time>/ directories pile up, and each test has its own JUnit file whose
# classnames carry the model.
run_step("ctest in the example again" "${CMAKE_CTEST_COMMAND}" --test-dir "${example_build}" -j2)
file(GLOB stray LIST_DIRECTORIES true "${example_build}/goodput-results/2*")
if(stray)
  message(FATAL_ERROR "ctest runs left timestamped result directories: ${stray}")
endif()
file(GLOB_RECURSE results "${example_build}/goodput-results/example_tasks/*/results.json")
file(GLOB_RECURSE journals "${example_build}/goodput-results/example_tasks/*/journal.jsonl")
list(LENGTH results result_count)
list(LENGTH journals journal_count)
if(result_count LESS 4 OR NOT result_count EQUAL journal_count)
  message(FATAL_ERROR "expected one results.json and journal per example_tasks test, found ${result_count} and ${journal_count}")
endif()
file(GLOB_RECURSE junit_files "${example_build}/junit/*.xml")
list(LENGTH junit_files junit_count)
if(NOT junit_count EQUAL result_count)
  message(FATAL_ERROR "expected one JUnit file per example_tasks test (${result_count}), found ${junit_count}: ${junit_files}")
endif()
foreach(f IN LISTS junit_files)
  get_filename_component(model_dir "${f}" DIRECTORY)
  get_filename_component(model "${model_dir}" NAME)
  file(READ "${f}" xml)
  if(NOT xml MATCHES "classname=\"${model}\\.")
    message(FATAL_ERROR "${f}: the classname does not start with the model ${model}:\n${xml}")
  endif()
endforeach()
message(STATUS "outputs per test: ${result_count} results, ${junit_count} JUnit files")

# Reliability.LargestPlanet runs 10 samples with min_pass_rate 0.6 (README "Pass rate per task"):
# sim-quick passes 7 of them, so its ctest test passed above although 3 samples failed, and
# each model's JUnit holds one test case with the samples inside.
foreach(model sim-quick sim-careful)
  set(f "${example_build}/junit/${model}/Reliability.LargestPlanet.xml")
  if(NOT EXISTS "${f}")
    message(FATAL_ERROR "no JUnit file ${f}")
  endif()
  file(READ "${f}" xml)
  string(REGEX MATCHALL "<testcase " cases "${xml}")
  list(LENGTH cases case_count)
  if(NOT case_count EQUAL 1 OR NOT xml MATCHES "classname=\"${model}\\.Reliability\" name=\"LargestPlanet\"" OR xml MATCHES "<failure")
    message(FATAL_ERROR "${f}: expected one passing test case ${model}.Reliability / LargestPlanet:\n${xml}")
  endif()
endforeach()
file(READ "${example_build}/junit/sim-quick/Reliability.LargestPlanet.xml" xml)
if(NOT xml MATCHES "<property name=\"passed\" value=\"7\"/>" OR NOT xml MATCHES "<property name=\"samples\" value=\"10\"/>")
  message(FATAL_ERROR "sim-quick should pass 7 of 10 samples of Reliability.LargestPlanet:\n${xml}")
endif()
message(STATUS "min_pass_rate: sim-quick passes Reliability.LargestPlanet with 7 of 10 samples, one JUnit test case per model")
