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
