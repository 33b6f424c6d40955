#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

// libsystemc.so refers to sc_main; tests elaborate through models::simulate().
extern "C" int sc_main(int, char**) { return 1; }
