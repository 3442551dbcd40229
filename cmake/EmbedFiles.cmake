# ocppkit_embed_files(<target> <namespace> <function> FILES f1 f2 ...)
# Generates a source that returns {name, contents} of each file, compiled into <target>, so programs never read
# their data from the working directory. Regenerated when an input changes.
function(ocppkit_embed_files target ns func)
    cmake_parse_arguments(ARG "" "" "FILES" ${ARGN})
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
