/* OCI mode: an OCI runtime (runc, crun) makes the container or the process; the shim stays its parent. */
#ifndef BERTH_OCI_H
#define BERTH_OCI_H

#include <sys/types.h>

#include "shim.h"

/*
 * Has the runtime create the container (or exec the process, detached), its stdio the pipes.
 * Returns the pid of the container's process, or -1 after replying the error.
 */
pid_t oci_create(struct pipes *p);

/* Starts a created container (nothing to do for exec): 0, or -1 after replying the error and killing child. */
int oci_start(pid_t child);

#endif
