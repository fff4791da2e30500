cmake_minimum_required(VERSION 3.25)
# The installed package stands alone: install this build, move the prefix somewhere else,
# hide goodput's source and build trees, and run the installed binary on its own data
# (README "Installing"): `goodput run --sim` with the default tasks, with the installed seed
# task files named, and `goodput models --sim`. A binary without its share/goodput says so.
# -D BUILD_DIR=<goodput build> -D SOURCE_DIR=<goodput source>
# The trees are hidden in a private mount namespace (`unshare -rm`, tmpfs over each); where
# the machine allows no namespace the test is skipped, saying why.

function(fail message)
  if(moved)
    file(REMOVE_RECURSE "${moved}")
  endif()
  message(FATAL_ERROR "${message}")
endfunction()

# Outside both trees, since they are hidden: a fresh directory under the temporary directory.
set(tmp "$ENV{TMPDIR}")
if(NOT tmp)
  set(tmp /tmp)
endif()
string(RANDOM LENGTH 10 suffix)
set(moved "${tmp}/goodput-standalone-${suffix}")
set(installed "${moved}/installed")
set(prefix "${moved}/prefix")

execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${installed}"
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT result EQUAL 0)
  fail("cmake --install failed (${result}):\n${out}\n${err}")
endif()
# Moved after installing: nothing may depend on the prefix it was installed to.
file(RENAME "${installed}" "${prefix}")
foreach(data share/goodput/tasks/seed/r0_vaccination.yaml share/goodput/tasks/seed/fixtures/json_to_csv
             share/goodput/sim/seed-profiles.yaml share/goodput/dataset/capitals.jsonl)
  if(NOT EXISTS "${prefix}/${data}")
    fail("cmake --install did not install ${data}")
  endif()
endforeach()
# The binary alone, without its share/goodput.
file(MAKE_DIRECTORY "${moved}/bare/bin")
file(COPY "${prefix}/bin/goodput" DESTINATION "${moved}/bare/bin")

# As root a mount namespace alone (the sandbox of the Python checks works in it); otherwise a
# user namespace too, in which the sandbox cannot make its own (setgroups is denied there), so
# the tasks with Python checks are left out. Runs of the fastest simulated model only: the time
# is the simulator's schedule (a hundred-item list takes it 6 s), so the slow tasks are left
# out too; every task file is loaded all the same.
execute_process(COMMAND id -u OUTPUT_VARIABLE uid OUTPUT_STRIP_TRAILING_WHITESPACE)
if(uid STREQUAL "0")
  set(unshare unshare -m)
  set(default_filter "seed.r0*:seed.json*:seed.long_story_en")
  set(seed_filter "seed.r0_vaccination_ja:seed.json_to_csv_ja")
  set(expected_tasks seed.r0_vaccination_en seed.r0_vaccination_ja seed.json_to_csv_ja seed.json_to_csv_contract_en seed.long_story_en)
else()
  set(unshare unshare -rm)
  set(default_filter "seed.r0*:seed.long_story_en")
  set(seed_filter "seed.r0_vaccination_ja")
  set(expected_tasks seed.r0_vaccination_en seed.r0_vaccination_ja seed.long_story_en)
  message(STATUS "not root: the tasks with Python checks are left out (the sandbox cannot nest in unshare -r)")
endif()
execute_process(COMMAND ${unshare} true RESULT_VARIABLE result ERROR_VARIABLE err)
if(NOT result EQUAL 0)
  file(REMOVE_RECURSE "${moved}")
  message(STATUS "SKIPPED: cannot hide the source tree, this machine allows no mount namespace (${unshare}: ${err})")
  return()
endif()

# The build tree first: it may lie inside the source tree, which is then hidden too.
file(WRITE "${moved}/hidden.sh" "
set -u
mount -t tmpfs goodput-hidden '${BUILD_DIR}' || exit 90
mount -t tmpfs goodput-hidden '${SOURCE_DIR}' 2>/dev/null || [ ! -e '${SOURCE_DIR}/CMakeLists.txt' ] || exit 91
[ ! -e '${SOURCE_DIR}/tasks/seed' ] && [ ! -e '${BUILD_DIR}/share' ] || exit 92
cd '${moved}'
run() { name=$1; shift; \"$@\" >\"$name.out\" 2>\"$name.err\" </dev/null; echo $? >\"$name.rc\"; }
run default_tasks prefix/bin/goodput run --sim --model sim-swift-4b --filter '${default_filter}' -o default_tasks --color never
run seed_tasks prefix/bin/goodput run prefix/share/goodput/tasks/seed --sim --model sim-swift-4b --filter '${seed_filter}' -o seed_tasks --color never
run models prefix/bin/goodput models --sim
run dataset prefix/bin/goodput run prefix/share/goodput/dataset --sim-profiles prefix/share/goodput/sim/dataset-profiles.yaml --model sim-atlas --filter 'capitals.capital_jp:capitals.greeting' -o dataset --color never
run bare bare/bin/goodput run --sim -o bare_out
")
execute_process(COMMAND ${unshare} sh "${moved}/hidden.sh" RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT result EQUAL 0)
  fail("hiding ${SOURCE_DIR} and ${BUILD_DIR} failed (${result}):\n${out}\n${err}")
endif()

function(expect_exit name codes)
  file(READ "${moved}/${name}.rc" rc)
  string(STRIP "${rc}" rc)
  file(READ "${moved}/${name}.out" out)
  file(READ "${moved}/${name}.err" err)
  if(NOT rc IN_LIST codes)
    fail("${name}: exit code ${rc}, expected one of ${codes}:\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

# results.json of a run with the source hidden: every run judged (the sandbox ran the Python
# checks on the installed fixtures: no error), and the tasks it ran.
function(expect_runs name min_runs)
  file(READ "${moved}/${name}/results.json" results)
  string(JSON runs LENGTH "${results}" runs)
  if(runs LESS min_runs)
    fail("${name}: ${runs} runs, expected at least ${min_runs}")
  endif()
  set(tasks "")
  math(EXPR last "${runs} - 1")
  foreach(i RANGE ${last})
    string(JSON task GET "${results}" runs ${i} task)
    string(JSON verdict GET "${results}" runs ${i} verdict)
    if(verdict STREQUAL "error")
      string(JSON run GET "${results}" runs ${i})
      fail("${name}: run ${i} is an error with the source tree hidden:\n${run}")
    endif()
    list(APPEND tasks "${task}")
  endforeach()
  list(REMOVE_DUPLICATES tasks)
  set(tasks "${tasks}" PARENT_SCOPE)
endfunction()

# 1: some simulated model fails a task, as in the demo.
expect_exit(default_tasks "0;1")
if(NOT out MATCHES "SIMULATED")
  fail("goodput run --sim did not label its results SIMULATED:\n${out}")
endif()
expect_runs(default_tasks 1)
list(SORT tasks)
list(SORT expected_tasks)
if(NOT tasks STREQUAL expected_tasks)
  fail("goodput run --sim (the default tasks, --filter '${default_filter}') ran ${tasks}, expected ${expected_tasks}")
endif()

string(REPLACE ":" ";" seed_expected "${seed_filter}")
expect_exit(seed_tasks "0;1")
expect_runs(seed_tasks 1)
list(SORT tasks)
list(SORT seed_expected)
if(NOT tasks STREQUAL seed_expected)
  fail("goodput run share/goodput/tasks/seed --filter '${seed_filter}' ran ${tasks}")
endif()

# The dataset example, installed beside the demo: its rows, its Python judge and its judge model.
expect_exit(dataset "0;1")
expect_runs(dataset 2)
list(SORT tasks)
if(NOT tasks STREQUAL "capitals.capital_jp;capitals.greeting")
  fail("goodput run share/goodput/dataset ran ${tasks}")
endif()

expect_exit(models "0")
if(NOT out MATCHES "sim-oss-20b")
  fail("goodput models --sim did not list the installed demo profiles:\n${out}")
endif()

# Without share/goodput beside it: bad input, saying where it looked and what to do.
expect_exit(bare "2")
if(NOT err MATCHES "share/goodput" OR NOT err MATCHES "cmake --install")
  fail("a binary without its data should say where it looked and how to install:\n${err}")
endif()

file(REMOVE_RECURSE "${moved}")
message(STATUS "the installed binary ran its seed tasks and simulator with ${SOURCE_DIR} and ${BUILD_DIR} hidden")
