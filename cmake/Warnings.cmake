# ocppkit_warnings: the warning set every target of ours links PRIVATE.
add_library(ocppkit_warnings INTERFACE)
target_compile_options(ocppkit_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                                  -Wold-style-cast -Wcast-align -Woverloaded-virtual)
if(OCPPKIT_WERROR)
    target_compile_options(ocppkit_warnings INTERFACE -Werror)
endif()
