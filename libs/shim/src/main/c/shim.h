/*
 * What the shim's files share: its limits, and its global state in one place, each variable
 * defined by the file named above it.
 *
 * The shim is a small single-threaded program, one per container, so the spec and the state of
 * the container's input stay plain globals, as they were when the shim was one file.
 */
#ifndef BERTH_SHIM_H
#define BERTH_SHIM_H

#include <stdint.h>
#include <sys/types.h>

#define MAX_ITEMS 4096
#define MAX_CLIENTS 64
#define LINE_MAX_BYTES 16384

/* One operation of the spec, applied by the container's init (mounts.c). */
struct op {
    const char *name;
    int argc;
    char **argv;
};

/* spec.c: the spec, as parse_spec() read it from STATE_DIR/spec. */
extern struct op ops[MAX_ITEMS];
extern int nops;
extern char *args[MAX_ITEMS];
extern int nargs;
extern char *envs[MAX_ITEMS];
extern int nenvs;
extern const char *cgroup_procs[64];
extern int ncgroups;
extern const char *rootfs, *hostname_value, *cwd, *log_path, *netns;
/* The container's user namespace: the content of its uid_map and gid_map; NULL without one. */
extern const char *uid_map, *gid_map;
extern int readonly_rootfs, no_new_privs, namespaces;
extern unsigned long root_propagation; /* of the new mount namespace's / (docker's rootfsPropagation) */
extern uid_t uid;
extern gid_t gid;
extern gid_t groups[256];
extern int ngroups;
extern uint64_t caps;
extern long long log_max_size;
extern int log_max_files;
extern int terminal, open_stdin, stdin_once;
extern pid_t join_pid; /* exec: the container init whose namespaces the process joins */
extern unsigned short term_rows, term_cols;
/* OCI mode: an OCI runtime binary (runc, crun) makes the container; the shim stays its parent. */
extern const char *oci_runtime, *oci_root, *oci_id, *oci_mode, *oci_path, *oci_empty;
/*
 * The runtime's global options after --root (crun's --cgroup-manager=disabled). With "cgroup"
 * directives in OCI mode, the runtime is started in those cgroups (it joins none itself).
 */
extern const char *oci_options[8];
extern int noci_options;

/* main.c: the shim's state directory, its only argument. */
extern const char *state_dir;

/* attach.c: the container's input, the pty master or the stdin pipe's write end (-1: none, or closed). */
extern int stdin_target;
extern int pty_master;

/* The pipes between the shim and a container's first process: [0] the read end, [1] the write end. */
struct pipes {
    int to_child[2];   /* shim -> child: 'C' (cgroups joined), then 'E' (exec) */
    int from_child[2]; /* child -> shim: 'R' (ready to exec) */
    int errors[2];     /* child -> shim: what failed before exec */
    int out[2], err[2];
    int in[2];         /* the container's stdin, when open without a terminal; else -1 */
    int console[2];    /* with a terminal: the child passes the pty master over it (unused in OCI mode); else -1 */
};

#endif
