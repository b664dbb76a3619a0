/* The spec's operations, which the container's init applies in the order of the spec. */
#ifndef BERTH_MOUNTS_H
#define BERTH_MOUNTS_H

#include "shim.h"

/* Before pivot_root, the container's paths reached under rootfs: mount, mknod, symlink, mkdir. */
void apply_op(struct op *o);

/* After pivot_root, paths as the container sees them: mask, readonly; and rlimit. */
void apply_late_op(struct op *o);

/*
 * Remounts the bind mount at path with flags (read-only, nosuid, ...) and the flags the kernel
 * locks on a mount copied into a less privileged mount namespace (a user namespace's): nosuid,
 * nodev, noexec, read-only and the atime flags, which a remount must keep or it fails with
 * EPERM. Kept always, as runc keeps them. 0, or -1 with errno.
 */
int remount_bind(const char *path, unsigned long flags);

#endif
