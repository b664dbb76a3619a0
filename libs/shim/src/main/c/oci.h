/* OCI mode: an OCI runtime (runc, crun) makes the container or the process; the shim stays its parent. */
#ifndef BERTH_OCI_H
#define BERTH_OCI_H

#include <sys/types.h>

#include "shim.h"

/*
 * Has the runtime make and start the container (or exec the process), detached, its stdio the
 * pipes. Returns the pid of the container's process, or -1 after replying the error.
 */
pid_t oci_create(struct pipes *p);

/* berth-shim delete RUNTIME ROOT ID [EMPTY] (argv after "delete"): the runtime's exit status. */
int oci_delete(char **argv, int argc);

#endif
