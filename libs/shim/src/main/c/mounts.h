/* The spec's operations, which the container's init applies in the order of the spec. */
#ifndef BERTH_MOUNTS_H
#define BERTH_MOUNTS_H

#include "shim.h"

/* Before pivot_root, the container's paths reached under rootfs: mount, mknod, symlink, mkdir. */
void apply_op(struct op *o);

/* After pivot_root, paths as the container sees them: mask, readonly; and rlimit. */
void apply_late_op(struct op *o);

#endif
