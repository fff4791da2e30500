# Install rules and the CMake package (goodputConfig.cmake, goodputTargets.cmake and the
# goodput_discover_tasks() module), so another project can find_package(goodput).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(GOODPUT_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/goodput)
# The framework's modules (framework/CMakeLists.txt, goodput_module): a library and an include/
# folder each.
get_property(goodput_framework_modules GLOBAL PROPERTY GOODPUT_FRAMEWORK_MODULES)
list(TRANSFORM goodput_framework_modules PREPEND goodput_ OUTPUT_VARIABLE goodput_module_libraries)
list(TRANSFORM goodput_framework_modules PREPEND ${PROJECT_SOURCE_DIR}/framework/ OUTPUT_VARIABLE goodput_module_headers)
list(TRANSFORM goodput_module_headers APPEND /include/goodput)
set(goodput_libraries ${goodput_module_libraries} goodput_checkers goodput_sandbox goodput_framework)
set(goodput_installed_targets ${goodput_libraries} goodput_warnings goodput)
if(TARGET goodput_main)
  list(APPEND goodput_installed_targets goodput_main)
endif()

foreach(lib IN LISTS goodput_libraries)
  target_include_directories(${lib} INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  # Libraries built with the sanitizers need their runtime in whatever links them; the build
  # tree's targets get it from add_link_options, an installed package's consumers from here.
  if(GOODPUT_SANITIZE)
    target_link_options(${lib} INTERFACE $<INSTALL_INTERFACE:-fsanitize=address,undefined>)
  endif()
endforeach()
# Consumers use the same names as the build tree's aliases: goodput::main, goodput::framework...
foreach(target IN LISTS goodput_installed_targets)
  string(REGEX REPLACE "^goodput_" "" export_name "${target}")
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${export_name})
endforeach()

install(TARGETS ${goodput_installed_targets}
  EXPORT goodputTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY
    ${goodput_module_headers}
    ${PROJECT_SOURCE_DIR}/checkers/include/goodput
    ${PROJECT_SOURCE_DIR}/sandboxes/include/goodput
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT goodputTargets NAMESPACE goodput:: DESTINATION ${GOODPUT_INSTALL_CMAKEDIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/goodputConfig.cmake.in
  ${PROJECT_BINARY_DIR}/goodputConfig.cmake INSTALL_DESTINATION ${GOODPUT_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/goodputConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES
    ${PROJECT_BINARY_DIR}/goodputConfig.cmake
    ${PROJECT_BINARY_DIR}/goodputConfigVersion.cmake
    ${PROJECT_SOURCE_DIR}/cmake/goodputDiscover.cmake
    ${PROJECT_SOURCE_DIR}/cmake/goodputAddTasks.cmake
  DESTINATION ${GOODPUT_INSTALL_CMAKEDIR})

# The data files the binary finds at ../share/goodput from itself (GOODPUT_DATA_FILES in the
# top-level CMakeLists.txt), so an installed prefix stands alone and may be moved. Always
# share/goodput beside bin/: that relative path is what the binary looks for, whatever
# CMAKE_INSTALL_DATADIR says.
foreach(entry IN LISTS GOODPUT_DATA_FILES)
  string(REPLACE "=" ";" pair "${entry}")
  list(GET pair 0 source)
  list(GET pair 1 destination)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${source}/ DESTINATION share/goodput/${destination} USE_SOURCE_PERMISSIONS)
endforeach()
