/* The spec: what the engine decided for the container, read from STATE_DIR/spec (see spec.c). */
#ifndef BERTH_SPEC_H
#define BERTH_SPEC_H

/* Reads the spec into the globals of shim.h; ends the shim if it is malformed. */
void parse_spec(const char *path);

/* Reads directives from path as parse_spec does, without asking for a whole container's. */
void parse_directives(const char *path);

#endif
