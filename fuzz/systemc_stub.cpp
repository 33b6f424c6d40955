// libsystemc.so refers to sc_main, so every program linking it defines one. The fuzz targets of
// sim/ and study/ parsers link SystemC through those libraries but never start a simulation.
extern "C" int sc_main(int, char**) { return 1; }
