# ocppkit_embed_files(<target> <namespace> <function> [DIRECTORY dir] FILES f1 f2 ...)
# Generates a source that returns {name, contents} of each file, compiled into <target>, so programs never read
# their data from the working directory. Regenerated when an input changes. With DIRECTORY, the files are named
# relative to that folder (of the current source folder when relative).
function(ocppkit_embed_files target ns func)
    cmake_parse_arguments(ARG "" "DIRECTORY" "FILES" ${ARGN})
    if(ARG_DIRECTORY)
        get_filename_component(dir ${ARG_DIRECTORY} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
        list(TRANSFORM ARG_FILES PREPEND ${dir}/)
    endif()
    set(out ${CMAKE_CURRENT_BINARY_DIR}/${func}_embedded.cpp)
    add_custom_command(
        OUTPUT ${out}
        COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/embed_files.py --namespace ${ns} --function ${func}
                --output ${out} ${ARG_FILES}
        DEPENDS ${ARG_FILES} ${PROJECT_SOURCE_DIR}/tools/embed_files.py
        COMMENT "Embedding ${func}"
        VERBATIM)
    target_sources(${target} PRIVATE ${out})
endfunction()
