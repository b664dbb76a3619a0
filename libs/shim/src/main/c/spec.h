/* The spec: what the engine decided for the container, read from STATE_DIR/spec (see spec.c). */
#ifndef BERTH_SPEC_H
#define BERTH_SPEC_H

/* Reads the spec into the globals of shim.h; ends the shim if it is malformed. */
void parse_spec(const char *path);

#endif
