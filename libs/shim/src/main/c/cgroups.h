/*
 * The container's cgroups: the cgroup2 one it is born in (clone3) or moved into by the shim, the
 * v1 ones it joins itself.
 */
#ifndef BERTH_CGROUPS_H
#define BERTH_CGROUPS_H

#include <sys/types.h>

#include "container.h"

/*
 * The shim's side. clone_into_cgroup2() creates the child in the first cgroup2 cgroup of the spec
 * that the kernel lets it (*born_in: its index, or -1); -1 when it cannot, for the caller to clone
 * and migrate. move_into_cgroups() moves the child into the cgroup2 cgroups it was not born in:
 * 0, or -1 after replying the error and killing the child.
 */
pid_t clone_into_cgroup2(int flags, struct child_args *cargs, int *born_in);
int move_into_cgroups(pid_t child, int born_in);

/*
 * OCI mode, for a runtime that joins no cgroup itself (crun's --cgroup-manager=disabled), so that
 * the container's process is born in them: fork_into_cgroup2() forks (0 in the child) into the
 * spec's cgroup2 cgroup when the kernel lets it (*born_in as above), else plainly; the child then
 * calls join_cgroups_itself(), which joins the rest by writing "0": a single-threaded process
 * moving itself into a v1 "tasks" file takes no global lock. NULL, or the file it could not join
 * (errno set).
 */
pid_t fork_into_cgroup2(int *born_in);
const char *join_cgroups_itself(int born_in);

/* The child's side: the shim says on fd when it may join; join_cgroups() waits for it, once. */
void join_cgroups_when_told(int fd);
void join_cgroups(void);

#endif
